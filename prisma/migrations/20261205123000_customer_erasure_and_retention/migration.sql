-- Issue 14: customers' right to be forgotten (the row that keeps an erased customer's appointments) and message retention.
-- AlterTable
ALTER TABLE "customer" ADD COLUMN     "erased_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "message_business_id_created_at_idx" ON "message"("business_id", "created_at");

-- CreateIndex
CREATE INDEX "turn_business_id_created_at_idx" ON "turn"("business_id", "created_at");
