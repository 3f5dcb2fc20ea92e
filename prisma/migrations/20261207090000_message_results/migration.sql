-- What became of each inbound message, kept where the console and the tools read it: the turn that took it
-- (its key), or that a person from the team had the conversation. The message's workflow ends once the message
-- is handed on, so this is where its outcome is looked up (src/db/message-results.ts).
ALTER TABLE "message" ADD COLUMN "turn_key" TEXT;
ALTER TABLE "message" ADD COLUMN "held_for_person" BOOLEAN NOT NULL DEFAULT false;
-- The reply as the turn sent it (formatted for WhatsApp, whole), null for a turn that sent nothing.
ALTER TABLE "turn" ADD COLUMN "reply_text" TEXT;
-- Why the turn left the conversation needing a person, when it did.
ALTER TABLE "turn" ADD COLUMN "needs_person" TEXT;
-- A message's result is asked for by its workflow's ID.
CREATE INDEX "message_workflow_id_idx" ON "message"("workflow_id");
