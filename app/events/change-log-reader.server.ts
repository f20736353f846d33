// The event bus's reads of the database: transitions after a watermark, notifications by recording or by user.
import type { ChangeLogReader } from "~/events/event-bus.server";
import { getNotificationsOfRecordings, getNotificationsOfUsersSince } from "~/notifications/notifications.server";
import { getLatestTransition, getTransitionsAfter } from "~/recording/recording-store.server";

export const changeLogReader: ChangeLogReader = {
  latestTransition: getLatestTransition,
  transitionsAfter: getTransitionsAfter,
  notificationsOfRecordings: getNotificationsOfRecordings,
  notificationsOfUsersSince: (userIds, since) => getNotificationsOfUsersSince(userIds, since),
};
