// The process's event bus, chosen once; survives dev rebuilds.
import { EventBus, InProcessTransport } from "~/events/event-bus.server";

declare global {
  // eslint-disable-next-line no-var
  var __optilearnEventBus: EventBus | undefined;
}

function createBus(): EventBus {
  const bus = new EventBus(new InProcessTransport());
  void bus.ready();
  return bus;
}

export const eventBus: EventBus = (globalThis.__optilearnEventBus ??= createBus());
