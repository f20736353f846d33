// CPU and wall time per password hash: scrypt at the stored parameters beside Argon2id at OWASP's parameters, through
// both maintained native bindings. `npm run bench:password-hash -- [--rounds 20]`. Numbers go into docs/decisions/0014.
import { scrypt as scryptCallback, randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import * as nodeRs from "@node-rs/argon2";
import { ARGON2ID } from "~/auth/password.server";
import argon2 from "argon2";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "20" } } });
const rounds = Number(values.rounds);

type Candidate = { name: string; hash(password: string): Promise<unknown> };

const scrypt = (N: number): Candidate => ({
  name: `scrypt N=2^${Math.log2(N)} r=8 p=1 (${(128 * N * 8) / 2 ** 20} MiB)`,
  hash: (password) =>
    new Promise((resolve, reject) =>
      scryptCallback(password, randomBytes(16), 32, { N, r: 8, p: 1, maxmem: 256 * 2 ** 20 }, (error, key) =>
        error ? reject(error) : resolve(key),
      ),
    ),
});

/** OWASP's Password Storage Cheat Sheet: any one of these Argon2id settings is of equal strength. */
const OWASP_ARGON2ID = [
  { memoryCost: 47104, timeCost: 1 },
  { memoryCost: 19456, timeCost: 2 },
  { memoryCost: 12288, timeCost: 3 },
  { memoryCost: 9216, timeCost: 4 },
  { memoryCost: 7168, timeCost: 5 },
];

const candidates: Candidate[] = [
  scrypt(2 ** 17),
  ...OWASP_ARGON2ID.flatMap(({ memoryCost, timeCost }) => [
    {
      name: `argon2id m=${memoryCost} KiB t=${timeCost} p=1 (@node-rs/argon2)`,
      hash: (password: string) => nodeRs.hash(password, { algorithm: ARGON2ID, memoryCost, timeCost, parallelism: 1 }),
    },
    {
      name: `argon2id m=${memoryCost} KiB t=${timeCost} p=1 (argon2)`,
      hash: (password: string) =>
        argon2.hash(password, { type: argon2.argon2id, memoryCost, timeCost, parallelism: 1 }),
    },
  ]),
];

const rows: Array<{ name: string; cpuMs: number; wallMs: number }> = [];
for (const candidate of candidates) {
  await candidate.hash("warm-up");
  const cpu = process.cpuUsage();
  const started = performance.now();
  // One at a time: the CPU of the process (native threads included) divided by the hashes is the cost of one.
  for (let i = 0; i < rounds; i++) await candidate.hash(`password-${i}`);
  const used = process.cpuUsage(cpu);
  rows.push({
    name: candidate.name,
    cpuMs: (used.user + used.system) / 1000 / rounds,
    wallMs: (performance.now() - started) / rounds,
  });
}
const baseline = rows[0].cpuMs;
console.log(`${rounds} hashes each, one at a time; ratio = CPU per hash / scrypt's`);
for (const row of rows) {
  console.log(
    `${row.name.padEnd(52)} cpu ${row.cpuMs.toFixed(1).padStart(7)} ms  wall ${row.wallMs.toFixed(1).padStart(7)} ms  ratio ${(row.cpuMs / baseline).toFixed(3)}`,
  );
}
