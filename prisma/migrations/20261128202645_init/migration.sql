-- CreateEnum
CREATE TYPE "MessageDirection" AS ENUM ('INBOUND', 'OUTBOUND');

-- CreateEnum
CREATE TYPE "MessageRole" AS ENUM ('USER', 'ASSISTANT');

-- CreateEnum
CREATE TYPE "MessageStatus" AS ENUM ('RECEIVED', 'PENDING', 'SENT', 'DELIVERED', 'READ', 'FAILED');

-- CreateEnum
CREATE TYPE "AppointmentStatus" AS ENUM ('BOOKED', 'CANCELLED');

-- CreateTable
CREATE TABLE "business" (
    "id" UUID NOT NULL,
    "phone_number_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "time_zone" TEXT NOT NULL DEFAULT 'UTC',
    "language" TEXT NOT NULL DEFAULT 'en',
    "personality" TEXT NOT NULL DEFAULT '',
    "policies" TEXT NOT NULL DEFAULT '',
    "opening_hours" JSONB NOT NULL DEFAULT '{}',
    "max_simultaneous_appointments" INTEGER NOT NULL DEFAULT 1,
    "google_calendar_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "business_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "service" (
    "id" UUID NOT NULL,
    "business_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "duration_minutes" INTEGER NOT NULL,
    "price_cents" INTEGER NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'EUR',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "service_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "customer" (
    "id" UUID NOT NULL,
    "business_id" UUID NOT NULL,
    "wa_id" TEXT,
    "bsuid" TEXT,
    "profile_name" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "message" (
    "id" UUID NOT NULL,
    "business_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "direction" "MessageDirection" NOT NULL,
    "role" "MessageRole" NOT NULL,
    "type" TEXT NOT NULL DEFAULT 'text',
    "text" TEXT NOT NULL,
    "wamid" TEXT,
    "outbound_key" TEXT,
    "workflow_id" TEXT,
    "workflow_run_id" TEXT,
    "status" "MessageStatus" NOT NULL,
    "error_code" INTEGER,
    "error_title" TEXT,
    "sent_by_customer_at" TIMESTAMPTZ(3),
    "sent_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "read_at" TIMESTAMPTZ(3),
    "failed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pending_status" (
    "id" UUID NOT NULL,
    "wamid" TEXT NOT NULL,
    "status" "MessageStatus" NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "error_code" INTEGER,
    "error_title" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pending_status_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "appointment" (
    "id" UUID NOT NULL,
    "business_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "service_id" UUID,
    "service_name" TEXT NOT NULL,
    "customer_name" TEXT,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "calendar_event_id" TEXT,
    "status" "AppointmentStatus" NOT NULL DEFAULT 'BOOKED',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "appointment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "business_phone_number_id_key" ON "business"("phone_number_id");

-- CreateIndex
CREATE UNIQUE INDEX "service_business_id_name_key" ON "service"("business_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "customer_business_id_wa_id_key" ON "customer"("business_id", "wa_id");

-- CreateIndex
CREATE UNIQUE INDEX "customer_business_id_bsuid_key" ON "customer"("business_id", "bsuid");

-- CreateIndex
CREATE UNIQUE INDEX "message_wamid_key" ON "message"("wamid");

-- CreateIndex
CREATE UNIQUE INDEX "message_outbound_key_key" ON "message"("outbound_key");

-- CreateIndex
CREATE INDEX "message_business_id_customer_id_created_at_idx" ON "message"("business_id", "customer_id", "created_at");

-- CreateIndex
CREATE INDEX "pending_status_wamid_idx" ON "pending_status"("wamid");

-- CreateIndex
CREATE UNIQUE INDEX "appointment_calendar_event_id_key" ON "appointment"("calendar_event_id");

-- CreateIndex
CREATE INDEX "appointment_business_id_starts_at_idx" ON "appointment"("business_id", "starts_at");

-- CreateIndex
CREATE INDEX "appointment_customer_id_starts_at_idx" ON "appointment"("customer_id", "starts_at");

-- AddForeignKey
ALTER TABLE "service" ADD CONSTRAINT "service_business_id_fkey" FOREIGN KEY ("business_id") REFERENCES "business"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "customer" ADD CONSTRAINT "customer_business_id_fkey" FOREIGN KEY ("business_id") REFERENCES "business"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "message" ADD CONSTRAINT "message_business_id_fkey" FOREIGN KEY ("business_id") REFERENCES "business"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "message" ADD CONSTRAINT "message_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "appointment" ADD CONSTRAINT "appointment_business_id_fkey" FOREIGN KEY ("business_id") REFERENCES "business"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "appointment" ADD CONSTRAINT "appointment_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "appointment" ADD CONSTRAINT "appointment_service_id_fkey" FOREIGN KEY ("service_id") REFERENCES "service"("id") ON DELETE SET NULL ON UPDATE CASCADE;
