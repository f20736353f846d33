// What `npm run demo` prints of its processes: a person watching the demo needs the warnings and errors, in words,
// not the app's JSON line per request (`--verbose` shows those too).

/** A JSON log line as a short sentence when it is a warning or an error; null for the routine lines. */
export function describeLogLine(line: string, verbose = false): string | null {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    // Not one of the app's log lines (a message of node itself): always shown.
    return line.trim() === "" ? null : line;
  }
  const { level, event, at: _at, ...facts } = entry;
  if (level !== "warn" && level !== "error" && !verbose) return null;
  const details = Object.entries(facts)
    .filter(([, value]) => value !== undefined && value !== null && value !== "")
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" ");
  const label = level === "warn" ? "warning" : String(level);
  return `${label}: ${String(event)}${details ? ` (${details})` : ""}`;
}

/** One line for a port the demo cannot listen on, like the app's own; null for any other error. */
export function describeListenError(error: unknown, what: string, port: number, variable: string): string | null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === "EADDRINUSE") {
    return `Port ${port} (${what}) is already in use. Stop the process that holds it, or set ${variable} to a free port.`;
  }
  if (code === "EACCES")
    return `Port ${port} (${what}) needs privileges this process does not have. Set ${variable} to a port above 1023.`;
  return null;
}
