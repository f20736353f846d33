// The recording's file, fetched to a temporary file for the engines: through the storage's own link (a presigned GET
// signed with the app's credentials for a private bucket, the URL itself for public storage).
import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { UnusableMediaError } from "~/captions/transcriber.server";
import type { StoredLocation } from "~/storage/recording-storage";
import { getRecordingStorage } from "~/storage/storage.server";

/** The file is not where the recording says: trying again will not bring it back. */
export class GoneMediaError extends UnusableMediaError {
  constructor() {
    super("The recording's file is no longer in storage.");
    this.name = "GoneMediaError";
  }
}

export async function downloadRecordingMedia(location: StoredLocation, path: string, signal?: AbortSignal) {
  const url = await getRecordingStorage().watchUrlFor(location);
  if (!url) throw new GoneMediaError();
  const response = await fetch(url, { signal, redirect: "follow" });
  if (response.status === 404 || response.status === 410) throw new GoneMediaError();
  if (!response.ok || !response.body)
    throw new Error(`the storage answered ${response.status} for the recording's file`);
  await pipeline(Readable.fromWeb(response.body as WebReadableStream), createWriteStream(path), { signal });
}
