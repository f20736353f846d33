// The event bus's reads of the database: transitions after a watermark, notifications by recording or by user.
import { prisma } from "~/db/db.server";
import type { ChangeLogReader } from "~/events/event-bus.server";
import { toNotificationEvent } from "~/notifications/notifications.server";
import { getLatestTransition, getTransitionsAfter } from "~/recording/recording-store.server";

export const changeLogReader: ChangeLogReader = {
  async latestTransitionId(liveSessionId) {
    return (await getLatestTransition(liveSessionId))?.id ?? 0;
  },
  transitionsAfter: getTransitionsAfter,
  async notificationsOfRecordings(recordingIds) {
    const rows = await prisma.notification.findMany({ where: { recordingId: { in: recordingIds } }, orderBy: { id: "asc" } });
    return rows.map(toNotificationEvent);
  },
  async notificationsOfUsersSince(userIds, since) {
    const rows = await prisma.notification.findMany({
      where: { userId: { in: userIds }, createdAt: { gte: since } },
      orderBy: { id: "asc" },
      take: 5000,
    });
    return rows.map(toNotificationEvent);
  },
};
