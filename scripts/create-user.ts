// `npm run user:create`: adds an account (e.g. the first admin of a real deployment); the password comes from a prompt or stdin, never argv.
import { parseArgs } from "node:util";
import { z } from "zod";
import { NEW_PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH } from "~/auth/password-rules";
import { CONTROL_CHARACTERS } from "~/lib/single-line-text";
import { hashPassword } from "~/auth/password.server";
import { ROLES } from "~/auth/roles";
import { loadDotEnv } from "~/config/dotenv.server";
import { createPrismaClient } from "~/db/create-prisma-client.server";
import { DEFAULT_DATABASE_URL } from "~/db/driver-adapter.server";

const USAGE = `Usage: npm run -s user:create -- --email <email> --role <ADMIN|HOST|STUDENT> [--name <name>]

Creates an account in the database of DATABASE_URL (./.env is read, as the app does).
The password is asked for twice at a terminal, or read as the first line of
standard input, for example from a password manager:

  pass show optilearn/admin | npm run -s user:create -- --email ada@example.com --role ADMIN

It is never taken from the command line, where \`ps\` and shell history would keep it.
At least ${NEW_PASSWORD_MIN_LENGTH} characters.

Exit status: 0 created; 1 the email is taken; 2 usage error.`;

const optionsSchema = z.object({
  email: z
    .string({ required_error: "--email is required" })
    .trim()
    .toLowerCase()
    .email("--email must be an email address"),
  role: z.enum(ROLES, { errorMap: () => ({ message: `--role must be one of ${ROLES.join(", ")}` }) }),
  name: z
    .string()
    .trim()
    .min(1, "--name must not be empty")
    .max(120, "--name must be at most 120 characters")
    .refine((name) => !CONTROL_CHARACTERS.test(name), "--name must be one line, without control characters")
    .optional(),
});

const passwordSchema = z
  .string()
  .min(NEW_PASSWORD_MIN_LENGTH, `the password must be at least ${NEW_PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `the password must be at most ${PASSWORD_MAX_LENGTH} characters`);

function fail(code: number, message: string, withUsage = false): never {
  console.error(`user:create: ${message}${withUsage ? `\n\n${USAGE}` : ""}`);
  process.exit(code);
}

function readOptions(argv: string[]) {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        email: { type: "string" },
        role: { type: "string" },
        name: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/--password/.test(message))
      fail(2, "there is no --password option: type it at the prompt or pipe it on stdin", true);
    fail(2, message, true);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const parsed = optionsSchema.safeParse(values);
  if (!parsed.success) fail(2, parsed.error.issues.map((issue) => issue.message).join("\n  "), true);
  return parsed.data;
}

/** Reads one line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    let value = "";
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n") {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off("data", onData);
          process.stderr.write("\n");
          resolve(value);
          return;
        }
        if (char === "\u0003") {
          stdin.setRawMode(false);
          process.stderr.write("\n");
          process.exit(130);
        }
        if (char === "\u007f" || char === "\b") value = value.slice(0, -1);
        else value += char;
      }
    };
    stdin.on("data", onData);
  });
}

async function readPasswordFromStdin(): Promise<string> {
  let text = "";
  for await (const chunk of process.stdin) text += chunk.toString("utf8");
  return text.split(/\r?\n/)[0] ?? "";
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readPasswordFromStdin();
  const first = await promptHidden("Password: ");
  const again = await promptHidden("Password again: ");
  if (first !== again) fail(2, "the two passwords differ");
  return first;
}

async function main(): Promise<number> {
  const options = readOptions(process.argv.slice(2));
  const password = passwordSchema.safeParse(await readPassword());
  if (!password.success) fail(2, password.error.issues[0].message);

  loadDotEnv();
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const prisma = createPrismaClient(databaseUrl);
  try {
    if (await prisma.user.findUnique({ where: { email: options.email }, select: { id: true } })) {
      console.error(`user:create: ${options.email} already has an account; nothing changed.`);
      return 1;
    }
    const user = await prisma.user.create({
      data: {
        email: options.email,
        name: options.name ?? options.email.split("@")[0],
        role: options.role,
        passwordHash: await hashPassword(password.data),
      },
      select: { id: true, email: true, role: true },
    });
    console.log(`Created ${user.role} account ${user.email} (${user.id}).`);
    return 0;
  } finally {
    await prisma.$disconnect();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`user:create: unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
