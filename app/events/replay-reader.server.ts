// What a resuming stream replays, read page by page (a replay never holds more than one page), and how far back a
// resume may reach: a cursor older than the newest REPLAY_LIMIT entries is answered with a fresh start instead.
import { prisma } from "~/db/db.server";
import type { NotificationEvent, TransitionEvent } from "~/events/event-types";
import { toNotificationEvent } from "~/notifications/notifications.server";
import { toTransitionEvent } from "~/recording/recording-store.server";

/** The most transitions (or notifications) one resume replays. */
export const REPLAY_LIMIT = 1000;
/** Entries read and written per step of a replay; the next page is read once the client has taken this one. */
export const REPLAY_PAGE = 100;

/**
 * Whether a session's transitions after `afterId` are within reach: false when more than REPLAY_LIMIT of them exist
 * (the id of the (LIMIT+1)-th newest is above the cursor), and the stream then starts over from a snapshot.
 */
export async function transitionResumeInReach(liveSessionId: string, afterId: number): Promise<boolean> {
  const beyond = await prisma.recordingTransition.findFirst({
    where: { liveSessionId },
    orderBy: { id: "desc" },
    skip: REPLAY_LIMIT,
    select: { id: true },
  });
  return !beyond || beyond.id <= afterId;
}

export async function* transitionPages(liveSessionId: string, afterId: number): AsyncGenerator<TransitionEvent[]> {
  let cursor = afterId;
  for (;;) {
    const rows = await prisma.recordingTransition.findMany({
      where: { liveSessionId, id: { gt: cursor } },
      orderBy: { id: "asc" },
      take: REPLAY_PAGE,
    });
    if (rows.length === 0) return;
    yield rows.map(toTransitionEvent);
    cursor = rows[rows.length - 1].id;
    if (rows.length < REPLAY_PAGE) return;
  }
}

/** The cursor a notification replay starts from: `afterId`, or just before the user's newest REPLAY_LIMIT. */
export async function notificationReplayStart(userId: string, afterId: number): Promise<number> {
  const beyond = await prisma.notification.findFirst({
    where: { userId },
    orderBy: { id: "desc" },
    skip: REPLAY_LIMIT,
    select: { id: true },
  });
  return beyond && beyond.id > afterId ? beyond.id : afterId;
}

export async function* notificationPages(userId: string, afterId: number): AsyncGenerator<NotificationEvent[]> {
  let cursor = afterId;
  for (;;) {
    const rows = await prisma.notification.findMany({
      where: { userId, id: { gt: cursor } },
      orderBy: { id: "asc" },
      take: REPLAY_PAGE,
    });
    if (rows.length === 0) return;
    yield rows.map(toNotificationEvent);
    cursor = rows[rows.length - 1].id;
    if (rows.length < REPLAY_PAGE) return;
  }
}
