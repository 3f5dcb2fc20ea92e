-- Google Calendar connections started in the console, waiting for Google's redirect (OAuth state, single use, 10 minutes).
-- CreateTable
CREATE TABLE "calendar_connection_request" (
    "id" UUID NOT NULL,
    "state_hash" TEXT NOT NULL,
    "business_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "calendar_id" TEXT NOT NULL,
    "redirect_uri" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "calendar_connection_request_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "calendar_connection_request_state_hash_key" ON "calendar_connection_request"("state_hash");

-- CreateIndex
CREATE INDEX "calendar_connection_request_business_id_idx" ON "calendar_connection_request"("business_id");

-- AddForeignKey
ALTER TABLE "calendar_connection_request" ADD CONSTRAINT "calendar_connection_request_business_id_fkey" FOREIGN KEY ("business_id") REFERENCES "business"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "calendar_connection_request" ADD CONSTRAINT "calendar_connection_request_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "admin_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

