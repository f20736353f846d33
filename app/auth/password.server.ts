// Password hashing with scrypt (memory-hard), stored as scrypt$N$r$p$salt$hash so the cost can be raised later.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from "node:crypto";

export type ScryptParams = { N: number; r: number; p: number };

/** OWASP's current guidance for scrypt: N=2^17, r=8, p=1 (128 MiB and a few hundred ms per hash). */
export const CURRENT_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };

const KEY_LENGTH = 32;
/** Stored hashes never ask for more than this: N up to 2^20 with r=8 (1 GiB) still verifies, anything larger is refused. */
const MAX_MEMORY_BYTES = 1024 * 1024 * 1024 + 64 * 1024 * 1024;

function memoryNeeded({ N, r, p }: ScryptParams): number {
  // Node's own estimate is 128 * N * r (the V array) plus the B array; leave room for both.
  return 128 * N * r + 128 * r * p + 1024 * 1024;
}

function scrypt(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password, salt, KEY_LENGTH, { ...params, maxmem: memoryNeeded(params) }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string, params: ScryptParams = CURRENT_SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, params);
  return ["scrypt", params.N, params.r, params.p, salt.toString("base64"), key.toString("base64")].join("$");
}

type ParsedHash = { params: ScryptParams; salt: Buffer; hash: Buffer };

function parseHash(stored: string): ParsedHash | null {
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
    memoryNeeded(params) <= MAX_MEMORY_BYTES;
  return sane ? { params, salt: Buffer.from(salt, "base64"), hash: Buffer.from(hash, "base64") } : null;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const actual = await scrypt(password, parsed.salt, parsed.params);
  return actual.length === parsed.hash.length && timingSafeEqual(actual, parsed.hash);
}

/** True when a stored hash was made with other parameters than today's: the next successful login rewrites it. */
export function needsRehash(stored: string): boolean {
  const parsed = parseHash(stored);
  if (!parsed) return true;
  const { N, r, p } = parsed.params;
  return N !== CURRENT_SCRYPT_PARAMS.N || r !== CURRENT_SCRYPT_PARAMS.r || p !== CURRENT_SCRYPT_PARAMS.p;
}

/**
 * A hash of no password at all, with today's parameters: checking an unknown email against it costs the same time
 * as checking a real account, so response times do not reveal which accounts exist.
 */
export const DUMMY_PASSWORD_HASH = [
  "scrypt",
  CURRENT_SCRYPT_PARAMS.N,
  CURRENT_SCRYPT_PARAMS.r,
  CURRENT_SCRYPT_PARAMS.p,
  "AAAAAAAAAAAAAAAAAAAAAA==",
  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
].join("$");
