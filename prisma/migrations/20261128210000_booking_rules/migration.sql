-- AlterTable
ALTER TABLE "business" ADD COLUMN     "buffer_minutes" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "google_refresh_token" TEXT,
ADD COLUMN     "max_days_ahead" INTEGER NOT NULL DEFAULT 60,
ADD COLUMN     "min_notice_minutes" INTEGER NOT NULL DEFAULT 60,
ADD COLUMN     "opening_exceptions" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "slot_step_minutes" INTEGER NOT NULL DEFAULT 30;

-- AlterTable
ALTER TABLE "appointment" ADD COLUMN     "booking_key" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "appointment_booking_key_key" ON "appointment"("booking_key");

