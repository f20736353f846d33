// Runs hold-database-lock.mjs in its own process and reports when it holds and when it has released the lock.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { sqliteFilePath } from "../../app/db/driver-adapter.server";
import { ROOT } from "../support/paths";

const SCRIPT = fileURLToPath(new URL("./hold-database-lock.mjs", import.meta.url));

export type HeldLock = {
  /** True until the other process has let go. */
  holding(): boolean;
  /** Resolves with the time (Date.now()) the other process let go. */
  released: Promise<number>;
  /** Ends the other process now (its locks go with it); resolves once it has exited. */
  stop(): Promise<void>;
};

/** Resolves once another process holds a `read` transaction or a `write` (exclusive) lock on the file, for `holdMs`. */
export function holdDatabaseLock(databaseUrl: string, mode: "read" | "write", holdMs: number): Promise<HeldLock> {
  const child = spawn(process.execPath, [SCRIPT, sqliteFilePath(databaseUrl), mode, String(holdMs)], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let releasedAt: number | undefined;
  return new Promise((resolve, reject) => {
    const released = new Promise<number>((resolveReleased, rejectReleased) => {
      child.once("exit", (code) => {
        if (code === 0 && releasedAt !== undefined) resolveReleased(releasedAt);
        else rejectReleased(new Error(`The lock holder exited with ${code}: ${output}`));
      });
    });
    // Whoever does not wait for the release still must not see an unhandled rejection.
    released.catch(() => undefined);
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("released") && releasedAt === undefined) releasedAt = Date.now();
      if (output.includes("locked")) {
        resolve({
          holding: () => releasedAt === undefined,
          released,
          async stop() {
            if (child.exitCode !== null || child.signalCode !== null) return;
            const exited = new Promise((done) => child.once("exit", done));
            child.kill("SIGKILL");
            await exited;
            releasedAt ??= Date.now();
          },
        });
      }
    });
    child.once("exit", (code) => {
      if (!output.includes("locked"))
        reject(new Error(`The lock holder exited with ${code} before locking: ${output}`));
    });
  });
}
