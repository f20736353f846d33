// Another process on the app's SQLite file, as an operator's shell or a backup tool would be: takes a lock, holds it, lets go.
// Usage: node hold-database-lock.mjs <file> <read|write> <holdMs>. Prints "locked" once held and "released" when done.
import Database from "better-sqlite3";

const [file, mode, holdMs] = process.argv.slice(2);
if (!file || !["read", "write"].includes(mode) || !Number(holdMs)) {
  console.error("usage: hold-database-lock.mjs <file> <read|write> <holdMs>");
  process.exit(2);
}

// Patient on purpose: taking the lock may have to wait for one of the app's own short writes.
const db = new Database(file, { timeout: 20_000 });
if (mode === "read") {
  // A read transaction, as `sqlite3 data/optilearn.db` with BEGIN and a SELECT, or a backup tool copying pages.
  db.exec("BEGIN");
  db.prepare("SELECT count(*) FROM LiveSession").get();
} else {
  db.exec("BEGIN EXCLUSIVE");
}
process.stdout.write("locked\n");
setTimeout(() => {
  db.exec("ROLLBACK");
  db.close();
  process.stdout.write("released\n");
}, Number(holdMs));
