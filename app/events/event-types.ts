// What the live streams carry: a committed transition of a session, or a new notification of a user.
export type { TransitionEvent } from "~/recording/recording-store.server";
export type { NotificationEvent } from "~/notifications/notifications.server";
