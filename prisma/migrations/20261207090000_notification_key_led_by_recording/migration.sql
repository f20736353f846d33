-- The one-notification-per-(user, recording, type) key, led by the recording: a class's READY writes its entries side
-- by side instead of one per user's page, and the key finds a recording's notifications (emails, announcement, cascade).
DROP INDEX "Notification_userId_recordingId_type_key";
CREATE UNIQUE INDEX "Notification_recordingId_type_userId_key" ON "Notification"("recordingId", "type", "userId");
