-- AlterTable
ALTER TABLE "User" ADD COLUMN     "disabledAt" TIMESTAMP(3),
ADD COLUMN     "firstSignedInAt" TIMESTAMP(3);


-- Accounts that signed in before this column existed: their earliest known login (a session or a known address).
UPDATE "User" SET "firstSignedInAt" = COALESCE(
    (SELECT MIN(s."createdAt") FROM "UserSession" s WHERE s."userId" = "User"."id"),
    (SELECT MIN(k."lastSignedInAt") FROM "KnownLoginAddress" k WHERE k."userId" = "User"."id")
) WHERE "firstSignedInAt" IS NULL;
