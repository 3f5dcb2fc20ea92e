-- A customer row absorbed into another when a message showed both are one person.
ALTER TABLE "customer" ADD COLUMN "merged_into_id" UUID;
ALTER TABLE "customer" ADD CONSTRAINT "customer_merged_into_id_fkey" FOREIGN KEY ("merged_into_id") REFERENCES "customer"("id") ON DELETE SET NULL ON UPDATE CASCADE;
CREATE INDEX "customer_merged_into_id_idx" ON "customer"("merged_into_id");

-- Parked statuses are scoped to a business. Rows parked before this change carry
-- no business and cannot be matched safely (a wamid from one business's number
-- must never change another's message), so they are dropped.
DELETE FROM "pending_status";
DROP INDEX "pending_status_wamid_idx";
ALTER TABLE "pending_status" ADD COLUMN "business_id" UUID NOT NULL;
ALTER TABLE "pending_status" ADD CONSTRAINT "pending_status_business_id_fkey" FOREIGN KEY ("business_id") REFERENCES "business"("id") ON DELETE CASCADE ON UPDATE CASCADE;
CREATE INDEX "pending_status_business_id_wamid_idx" ON "pending_status"("business_id", "wamid");
CREATE INDEX "pending_status_created_at_idx" ON "pending_status"("created_at");
