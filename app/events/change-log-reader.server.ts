// The event bus's reads of the database: transitions after a watermark, notifications by recording or by user.
import type { ChangeLogReader } from "~/events/event-bus.server";
import { getNotificationsOfRecordings, getNotificationsOfUsersSince } from "~/notifications/notifications.server";
import { getRecentTransitions, getTransitionsAfter } from "~/recording/recording-store.server";

export const changeLogReader: ChangeLogReader = {
  recentTransitions: getRecentTransitions,
  transitionsAfter: getTransitionsAfter,
  notificationsOfRecordings: getNotificationsOfRecordings,
  notificationsOfUsersSince: (userIds, since) => getNotificationsOfUsersSince(userIds, since),
};
