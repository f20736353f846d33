-- A recording's storage URL is for the session's host and admins only: students' notifications never carry it.
UPDATE "Notification" SET "recordingUrl" = NULL
WHERE "recordingUrl" IS NOT NULL
  AND "userId" <> (SELECT "hostId" FROM "LiveSession" WHERE "LiveSession"."id" = "Notification"."liveSessionId");
