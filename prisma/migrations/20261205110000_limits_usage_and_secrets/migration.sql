-- Issue 14: per-business WhatsApp token and encrypted secrets, abuse and cost limits, the model usage ledger, message retention.
-- AlterTable
ALTER TABLE "business" ADD COLUMN     "customer_turns_per_day" INTEGER NOT NULL DEFAULT 60,
ADD COLUMN     "customer_turns_per_minute" INTEGER NOT NULL DEFAULT 6,
ADD COLUMN     "daily_token_budget" INTEGER NOT NULL DEFAULT 200000,
ADD COLUMN     "max_active_appointments_per_customer" INTEGER NOT NULL DEFAULT 3,
ADD COLUMN     "message_retention_days" INTEGER NOT NULL DEFAULT 365,
ADD COLUMN     "token_budget_exceeded_at" TIMESTAMPTZ(3),
ADD COLUMN     "whatsapp_access_token" TEXT;

-- AlterTable
ALTER TABLE "customer" ADD COLUMN     "limit_notice_sent_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "model_usage" (
    "id" UUID NOT NULL,
    "business_id" UUID NOT NULL,
    "customer_id" UUID,
    "call_key" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "prompt_tokens" INTEGER NOT NULL,
    "completion_tokens" INTEGER NOT NULL,
    "total_tokens" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_usage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "model_usage_call_key_key" ON "model_usage"("call_key");

-- CreateIndex
CREATE INDEX "model_usage_business_id_created_at_idx" ON "model_usage"("business_id", "created_at");

-- CreateIndex
CREATE INDEX "model_usage_customer_id_idx" ON "model_usage"("customer_id");

-- AddForeignKey
ALTER TABLE "model_usage" ADD CONSTRAINT "model_usage_business_id_fkey" FOREIGN KEY ("business_id") REFERENCES "business"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_usage" ADD CONSTRAINT "model_usage_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE SET NULL ON UPDATE CASCADE;


