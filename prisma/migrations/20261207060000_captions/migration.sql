-- CreateTable
CREATE TABLE "CaptionJob" (
    "recordingId" TEXT NOT NULL PRIMARY KEY,
    "status" TEXT NOT NULL DEFAULT 'QUEUED',
    "progress" REAL NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseUntil" DATETIME,
    "leaseOwner" TEXT,
    "reason" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    CONSTRAINT "CaptionJob_recordingId_fkey" FOREIGN KEY ("recordingId") REFERENCES "Recording" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CaptionVersion" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "recordingId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "vtt" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "editedById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "storageKey" TEXT,
    CONSTRAINT "CaptionVersion_recordingId_fkey" FOREIGN KEY ("recordingId") REFERENCES "Recording" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "CaptionVersion_editedById_fkey" FOREIGN KEY ("editedById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CaptionCue" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "recordingId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "startMs" INTEGER NOT NULL,
    "endMs" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    CONSTRAINT "CaptionCue_recordingId_fkey" FOREIGN KEY ("recordingId") REFERENCES "Recording" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "CaptionJob_status_nextAttemptAt_idx" ON "CaptionJob"("status", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "CaptionVersion_recordingId_version_key" ON "CaptionVersion"("recordingId", "version");

-- CreateIndex
CREATE INDEX "CaptionCue_recordingId_position_idx" ON "CaptionCue"("recordingId", "position");

-- The words said, searchable: an FTS5 index over CaptionCue's text, kept in step by triggers (a new version replaces
-- the cues; a deleted recording's cues are deleted with it).
CREATE VIRTUAL TABLE "CaptionCueSearch" USING fts5("text", content='CaptionCue', content_rowid='id', tokenize='porter unicode61');
CREATE TRIGGER "CaptionCue_search_insert" AFTER INSERT ON "CaptionCue" BEGIN
  INSERT INTO "CaptionCueSearch"(rowid, "text") VALUES (new."id", new."text");
END;
CREATE TRIGGER "CaptionCue_search_delete" AFTER DELETE ON "CaptionCue" BEGIN
  INSERT INTO "CaptionCueSearch"("CaptionCueSearch", rowid, "text") VALUES ('delete', old."id", old."text");
END;
CREATE TRIGGER "CaptionCue_search_update" AFTER UPDATE ON "CaptionCue" BEGIN
  INSERT INTO "CaptionCueSearch"("CaptionCueSearch", rowid, "text") VALUES ('delete', old."id", old."text");
  INSERT INTO "CaptionCueSearch"(rowid, "text") VALUES (new."id", new."text");
END;

-- Every recording already READY gets captions too.
INSERT INTO "CaptionJob" ("recordingId") SELECT "id" FROM "Recording" WHERE "status" = 'READY' AND "deletedAt" IS NULL;
