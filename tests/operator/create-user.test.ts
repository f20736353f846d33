// `npm run user:create` as a child process: the account it makes logs in over HTTP; the password never comes from argv.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type AppProcess } from "../support/app-process";
import { openDatabase } from "../support/database";
import { api, login } from "../support/http";
import { freshDatabaseUrl } from "../support/test-database";
import { run, TSX } from "./operator-support";

const PASSWORD = "a long admin passphrase";
let databaseUrl: string;
let app: AppProcess;

beforeAll(async () => {
  databaseUrl = await freshDatabaseUrl("create-user");
  app = await startApp({ databaseUrl });
});
afterAll(async () => {
  await app?.stop();
});

const createUser = (args: string[], stdin?: string) =>
  run(TSX, ["scripts/create-user.ts", ...args], { DATABASE_URL: databaseUrl }, 25_000, stdin);

describe("user:create", () => {
  it("creates an admin from a password on stdin, who can log in and open the admin page", async () => {
    const result = await createUser(
      ["--email", "Ops@Example.com", "--role", "ADMIN", "--name", "Ops"],
      `${PASSWORD}\n`,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Created ADMIN account ops@example.com");
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);

    const cookie = await login(app.url, "ops@example.com", PASSWORD);
    expect((await api(app.url, "/admin/recording", { cookie })).status).toBe(200);
    const db = openDatabase(databaseUrl);
    try {
      const user = await db.user.findUniqueOrThrow({ where: { email: "ops@example.com" } });
      expect(user).toMatchObject({ role: "ADMIN", name: "Ops" });
      expect(user.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    } finally {
      await db.$disconnect();
    }
  });

  it("refuses a --password option, a short password, a bad role and a taken email, creating nothing", async () => {
    const withFlag = await createUser(["--email", "flag@example.com", "--role", "HOST", "--password", PASSWORD], "");
    expect(withFlag.code).toBe(2);
    expect(withFlag.stderr).toContain("there is no --password option");

    const short = await createUser(["--email", "short@example.com", "--role", "HOST"], "elevenchars\n");
    expect(short.code).toBe(2);
    expect(short.stderr).toContain("at least 12 characters");

    const badRole = await createUser(["--email", "role@example.com", "--role", "ROOT"], `${PASSWORD}\n`);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain("--role must be one of ADMIN, HOST, STUDENT");

    const taken = await createUser(["--email", "host@optilearn.test", "--role", "ADMIN"], `${PASSWORD}\n`);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain("already has an account");

    const db = openDatabase(databaseUrl);
    try {
      const emails = (await db.user.findMany({ select: { email: true } })).map((u) => u.email);
      expect(emails).not.toEqual(expect.arrayContaining(["flag@example.com"]));
      expect(emails.filter((e) => ["short@example.com", "role@example.com"].includes(e))).toEqual([]);
      expect((await db.user.findUniqueOrThrow({ where: { email: "host@optilearn.test" } })).role).toBe("HOST");
    } finally {
      await db.$disconnect();
    }
  });
});
