// One structured JSON line per event on stdout; callers pass facts, never secrets.
type Level = "info" | "warn" | "error";
type Fields = Record<string, unknown>;

function write(level: Level, event: string, fields: Fields) {
  // Fixed keys last: a field can never masquerade as the line's time, level or event.
  const line = JSON.stringify({ ...fields, at: new Date().toISOString(), level, event });
  if (level === "error") console.error(line);
  else console.log(line);
}

export const logger = {
  info: (event: string, fields: Fields = {}) => write("info", event, fields),
  warn: (event: string, fields: Fields = {}) => write("warn", event, fields),
  error: (event: string, fields: Fields = {}) => write("error", event, fields),
};

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
