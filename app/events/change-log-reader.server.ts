// The event bus's reads of the database: transitions after a watermark, notifications by recording or by user.
import type { ChangeLogReader } from "~/events/event-bus.server";
import { readNotificationsOfRecording } from "~/notifications/notification-replay.server";
import { getNotificationsOfUsersSince } from "~/notifications/notifications.server";
import { getRecentTransitions, getTransitionsAfter } from "~/recording/recording-store.server";

export const changeLogReader: ChangeLogReader = {
  recentTransitions: getRecentTransitions,
  transitionsAfter: getTransitionsAfter,
  notificationsOfRecordings: async (recordings) => {
    const lists = await Promise.all(recordings.map((r) => readNotificationsOfRecording(r.recordingId, r.afterId)));
    return lists.flat().sort((a, b) => a.id - b.id);
  },
  notificationsOfUsersSince: (userIds, since) => getNotificationsOfUsersSince(userIds, since),
};
