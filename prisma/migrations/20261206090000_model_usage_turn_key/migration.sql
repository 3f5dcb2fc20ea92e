-- Which turn each model call belonged to, so a turn's cost can be added up.
ALTER TABLE "model_usage" ADD COLUMN "turn_key" TEXT;
