-- AlterTable
ALTER TABLE "business" ADD COLUMN     "reply_max_wait_ms" INTEGER NOT NULL DEFAULT 8000,
ADD COLUMN     "reply_quiet_window_ms" INTEGER NOT NULL DEFAULT 2000;

