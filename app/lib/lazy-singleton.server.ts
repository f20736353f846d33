// One instance per process, created on first use and kept on globalThis so dev rebuilds reuse it.
const registry = globalThis as typeof globalThis & { __optilearnSingletons?: Map<string, unknown> };

export function lazySingleton<T>(name: string, create: () => T): () => T {
  return () => {
    const instances = (registry.__optilearnSingletons ??= new Map<string, unknown>());
    if (!instances.has(name)) instances.set(name, create());
    return instances.get(name) as T;
  };
}

/** Forgets an instance (after it was closed), so the next use creates a fresh one. */
export function forgetSingleton(name: string): void {
  registry.__optilearnSingletons?.delete(name);
}

/** The instance if it was created, without creating one: for closing it at shutdown. */
export function existingSingleton<T>(name: string): T | undefined {
  return registry.__optilearnSingletons?.get(name) as T | undefined;
}
