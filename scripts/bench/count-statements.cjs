// Preloaded into an app instance by `bench:beacons` (node --require) to count the SQL statements it prepares, by text:
// Prisma's SQLite adapter prepares every statement it runs. On SIGUSR2 the counts so far go to stderr as one JSON line
// ({"event":"bench.statements","counts":{sql: n}}). Never loaded by the app itself.
const Database = require("better-sqlite3");

const counts = new Map();
const prepare = Database.prototype.prepare;
Database.prototype.prepare = function countedPrepare(sql, ...rest) {
  counts.set(sql, (counts.get(sql) ?? 0) + 1);
  return prepare.call(this, sql, ...rest);
};

process.on("SIGUSR2", () => {
  process.stderr.write(`${JSON.stringify({ event: "bench.statements", counts: Object.fromEntries(counts) })}\n`);
});
