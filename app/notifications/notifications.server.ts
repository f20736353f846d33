// A user's notifications: listing, marking read, and the reads behind the notification stream.
import { prisma } from "~/db/db.server";
import { chunks } from "~/lib/chunks";
import { readAllAfter } from "~/db/read-after-cursor.server";
import type { Notification } from "~/generated/prisma/client";
import { recordingPageOf, watchUrlOf } from "~/storage/watch-url";

/** A notification as the API lists it and the notification stream carries it. */
export type NotificationEvent = {
  id: number;
  userId: string;
  type: string;
  liveSessionId: string;
  recordingId: string;
  title: string;
  recordingUrl: string | null;
  /** The recording's page with its player: what a person opens. */
  pageUrl: string;
  /** The media itself, through the app (the player's source), never the storage URL. */
  watchUrl: string;
  /** Why the recording failed (LIVE_CLASS_RECORDING_FAILED); null otherwise. */
  reason: string | null;
  createdAt: string;
  read: boolean;
};

/** The columns a notification event is built from (Prisma's rows, and the streams' own prepared reads). */
export type NotificationColumns = Pick<
  Notification,
  | "id"
  | "userId"
  | "type"
  | "liveSessionId"
  | "recordingId"
  | "title"
  | "recordingUrl"
  | "reason"
  | "readAt"
  | "createdAt"
>;

export function toNotificationEvent(row: NotificationColumns): NotificationEvent {
  return {
    id: row.id,
    userId: row.userId,
    type: row.type,
    liveSessionId: row.liveSessionId,
    recordingId: row.recordingId,
    title: row.title,
    recordingUrl: row.recordingUrl,
    pageUrl: recordingPageOf(row.recordingId),
    watchUrl: watchUrlOf(row.recordingId),
    reason: row.reason,
    createdAt: row.createdAt.toISOString(),
    read: row.readAt !== null,
  };
}

/** A notification as lists show it: with its recording's number, which names the recording among its class's. */
export type ListedNotification = NotificationEvent & { recordingNumber: number };

/** Newest first; `beforeId` starts after that notification (paging). */
export async function listNotifications(userId: string, limit = 100, beforeId?: number): Promise<ListedNotification[]> {
  const rows = await prisma.notification.findMany({
    // A deleted recording is in no list: its notifications go with it.
    where: { userId, recording: { deletedAt: null }, ...(beforeId === undefined ? {} : { id: { lt: beforeId } }) },
    orderBy: { id: "desc" },
    take: limit,
    include: { recording: { select: { number: true } } },
  });
  return rows.map(({ recording, ...row }) => ({ ...toNotificationEvent(row), recordingNumber: recording.number }));
}

/** What the header counts: the unread notifications the notifications page lists (none of a deleted recording). */
export function countUnread(userId: string): Promise<number> {
  return prisma.notification.count({ where: { userId, readAt: null, recording: { deletedAt: null } } });
}

export async function markAllRead(userId: string): Promise<void> {
  await prisma.notification.updateMany({ where: { userId, readAt: null }, data: { readAt: new Date() } });
}

/** Every notification of the user after a stream's resume point, oldest first. */
export async function getNotificationsAfter(userId: string, afterId: number) {
  const rows = await readAllAfter(afterId, (cursor, take) =>
    prisma.notification.findMany({ where: { userId, id: { gt: cursor } }, orderBy: { id: "asc" }, take }),
  );
  return rows.map(toNotificationEvent);
}

export async function getLatestNotificationId(userId: string): Promise<number> {
  const latest = await prisma.notification.findFirst({
    where: { userId },
    orderBy: { id: "desc" },
    select: { id: true },
  });
  return latest?.id ?? 0;
}

/** Recent notifications of these users, oldest first, bounded per group of users: a catch-up after hints may have been lost. */
export async function getNotificationsOfUsersSince(userIds: string[], since: Date, limit = 5000) {
  const rows = [];
  // An instance may hold streams of ten thousand users, more than one query may name.
  for (const ids of chunks(userIds)) {
    rows.push(
      ...(await prisma.notification.findMany({
        where: { userId: { in: ids }, createdAt: { gte: since } },
        orderBy: { id: "asc" },
        take: limit,
      })),
    );
  }
  return rows.sort((a, b) => a.id - b.id).map(toNotificationEvent);
}
