-- A settling change whose notifications follow it (the webhook of the recorder answers once the status is committed) marks
-- the recording as owing them, the transaction that writes them clears the mark, and the watchdog finishes what a
-- crash left marked.
ALTER TABLE "Recording" ADD COLUMN "notificationsOwedAt" TIMESTAMP(3);
CREATE INDEX "Recording_notificationsOwedAt_idx" ON "Recording"("notificationsOwedAt");
