-- AlterTable
ALTER TABLE "message" ADD COLUMN     "send_attempted_at" TIMESTAMPTZ(3);

