-- AlterTable
ALTER TABLE "business" ADD COLUMN     "calendar_access_error" TEXT,
ADD COLUMN     "calendar_access_error_at" TIMESTAMPTZ(3);

