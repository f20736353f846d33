// Password hashing with Argon2id at OWASP's parameters (docs/decisions/0014); scrypt hashes of earlier releases still
// verify and are replaced at the next login. Each stored hash carries its own parameters, so the cost can be raised.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from "node:crypto";
import { type Algorithm, hash as argon2Hash, verify as argon2Verify } from "@node-rs/argon2";

/** The binding's Algorithm.Argon2id: a const enum, which isolated modules cannot read by name. */
export const ARGON2ID: Algorithm = 2;

export type Argon2Params = { memoryCost: number; timeCost: number; parallelism: number };

/** OWASP's first choice for Argon2id: 19 MiB, 2 passes, one lane (about 13 ms of CPU here, scrypt took 390 ms). */
export const CURRENT_ARGON2_PARAMS: Argon2Params = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

export type ScryptParams = { N: number; r: number; p: number };

const SCRYPT_KEY_LENGTH = 32;
/** Stored hashes never ask for more than this: 1 GiB still verifies, anything larger is refused untried. */
const MAX_MEMORY_BYTES = 1024 * 1024 * 1024 + 64 * 1024 * 1024;

function scryptMemoryNeeded({ N, r, p }: ScryptParams): number {
  // Node's own estimate is 128 * N * r (the V array) plus the B array; leave room for both.
  return 128 * N * r + 128 * r * p + 1024 * 1024;
}

function scrypt(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(
      password,
      salt,
      SCRYPT_KEY_LENGTH,
      { ...params, maxmem: scryptMemoryNeeded(params) },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}

/** A new hash at today's cost: `$argon2id$v=19$m=…,t=…,p=…$salt$hash` (the PHC string format). */
export function hashPassword(password: string): Promise<string> {
  return argon2Hash(password, { algorithm: ARGON2ID, ...CURRENT_ARGON2_PARAMS });
}

/** A scrypt hash in the format of earlier releases (`scrypt$N$r$p$salt$hash`): for tests of their upgrade. */
export async function hashPasswordWithScrypt(password: string, params: ScryptParams): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, params);
  return ["scrypt", params.N, params.r, params.p, salt.toString("base64"), key.toString("base64")].join("$");
}

type ParsedHash =
  { kind: "argon2id"; params: Argon2Params } | { kind: "scrypt"; params: ScryptParams; salt: Buffer; hash: Buffer };

const ARGON2ID_HASH =
  /^\$argon2id\$v=19\$m=(\d{1,8}),t=(\d{1,3}),p=(\d{1,2})\$[A-Za-z0-9+/]{11,64}\$[A-Za-z0-9+/]{22,128}$/;

function parseHash(stored: string): ParsedHash | null {
  const argon = ARGON2ID_HASH.exec(stored);
  if (argon) {
    const params = { memoryCost: Number(argon[1]), timeCost: Number(argon[2]), parallelism: Number(argon[3]) };
    const sane =
      params.memoryCost * 1024 <= MAX_MEMORY_BYTES &&
      params.timeCost >= 1 &&
      params.timeCost <= 20 &&
      params.parallelism >= 1 &&
      params.parallelism <= 16;
    return sane ? { kind: "argon2id", params } : null;
  }
  const [scheme, n, r, p, salt, hash, ...rest] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash || rest.length > 0) return null;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  const sane =
    Number.isInteger(params.N) &&
    params.N > 1 &&
    (params.N & (params.N - 1)) === 0 &&
    Number.isInteger(params.r) &&
    params.r >= 1 &&
    Number.isInteger(params.p) &&
    params.p >= 1 &&
    scryptMemoryNeeded(params) <= MAX_MEMORY_BYTES;
  return sane ? { kind: "scrypt", params, salt: Buffer.from(salt, "base64"), hash: Buffer.from(hash, "base64") } : null;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  if (parsed.kind === "argon2id") return argon2Verify(stored, password).catch(() => false);
  const actual = await scrypt(password, parsed.salt, parsed.params);
  return actual.length === parsed.hash.length && timingSafeEqual(actual, parsed.hash);
}

/** True unless a stored hash is Argon2id at today's parameters: the next successful login rewrites it. */
export function needsRehash(stored: string): boolean {
  const parsed = parseHash(stored);
  if (parsed?.kind !== "argon2id") return true;
  const { memoryCost, timeCost, parallelism } = parsed.params;
  return (
    memoryCost !== CURRENT_ARGON2_PARAMS.memoryCost ||
    timeCost !== CURRENT_ARGON2_PARAMS.timeCost ||
    parallelism !== CURRENT_ARGON2_PARAMS.parallelism
  );
}

/**
 * A hash of no password at all, with today's parameters: checking an unknown email against it costs the same time
 * as checking a real account, so response times do not reveal which accounts exist.
 */
export const DUMMY_PASSWORD_HASH = `$argon2id$v=19$m=${CURRENT_ARGON2_PARAMS.memoryCost},t=${CURRENT_ARGON2_PARAMS.timeCost},p=${CURRENT_ARGON2_PARAMS.parallelism}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
