// Whether a media request comes from a page's player rather than a download: players ask for byte ranges (a <video>
// always sends Range, from `bytes=0-`) and browsers mark them as media fetches; a saved link or a download sends neither.
export function isPlayerRequest(request: Request): boolean {
  const range = request.headers.get("Range");
  if (range && /^bytes=\d*-\d*$/.test(range.trim())) return true;
  const destination = request.headers.get("Sec-Fetch-Dest");
  return destination === "video" || destination === "audio";
}
