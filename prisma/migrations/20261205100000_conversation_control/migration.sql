-- The console's side of conversations (issue 13): a person taking over from the bot, conversations that
-- need a person, unread messages, test customers of the "Try it" chat, replies written by a person,
-- each turn's tools and outcome, and two business settings (hand back after, flag outside hours).
-- AlterTable
ALTER TABLE "business" ADD COLUMN     "flag_outside_hours" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "hand_back_after_minutes" INTEGER NOT NULL DEFAULT 720;

-- AlterTable
ALTER TABLE "customer" ADD COLUMN     "is_test" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "last_read_at" TIMESTAMPTZ(3),
ADD COLUMN     "needs_person_at" TIMESTAMPTZ(3),
ADD COLUMN     "needs_person_reason" TEXT,
ADD COLUMN     "taken_over_at" TIMESTAMPTZ(3),
ADD COLUMN     "taken_over_by_id" UUID;

-- AlterTable
ALTER TABLE "message" ADD COLUMN     "sent_by_user_id" UUID;

-- CreateTable
CREATE TABLE "turn" (
    "id" UUID NOT NULL,
    "business_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "turn_key" TEXT NOT NULL,
    "workflow_id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "tool_calls" JSONB NOT NULL DEFAULT '[]',
    "effects" JSONB NOT NULL DEFAULT '[]',
    "model_calls" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "turn_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "turn_turn_key_key" ON "turn"("turn_key");

-- CreateIndex
CREATE INDEX "turn_business_id_customer_id_created_at_idx" ON "turn"("business_id", "customer_id", "created_at");

-- AddForeignKey
ALTER TABLE "customer" ADD CONSTRAINT "customer_taken_over_by_id_fkey" FOREIGN KEY ("taken_over_by_id") REFERENCES "admin_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "message" ADD CONSTRAINT "message_sent_by_user_id_fkey" FOREIGN KEY ("sent_by_user_id") REFERENCES "admin_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "turn" ADD CONSTRAINT "turn_business_id_fkey" FOREIGN KEY ("business_id") REFERENCES "business"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "turn" ADD CONSTRAINT "turn_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

