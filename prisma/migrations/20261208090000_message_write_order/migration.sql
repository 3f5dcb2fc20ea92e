-- The order messages were written in. created_at has millisecond precision, and two messages of one conversation
-- can be stored in the same millisecond (a customer's message and a reply being prepared), so ordering by it alone
-- left their order to chance. Existing rows are numbered in the table's physical order, which only matters for ties.
ALTER TABLE "message" ADD COLUMN "seq" SERIAL NOT NULL;
