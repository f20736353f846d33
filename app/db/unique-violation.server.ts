// The database refused a row because another one already holds its unique key: a race the caller knows how to settle.
import { Prisma } from "~/generated/prisma/client";

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}
