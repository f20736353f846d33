// How far back a resuming stream may reach and how it reads what it replays: page by page, a replay never holding more
// than one page. A cursor older than the newest REPLAY_LIMIT entries is answered with a fresh start instead.

/** The most transitions (or notifications) one resume replays. */
export const REPLAY_LIMIT = 1000;
/** Entries read and written per step of a replay; the next page is read once the client has taken this one. */
export const REPLAY_PAGE = 100;

/** The pages from `first` on: each next one read after the last id of the one before, until a page is not full. */
export async function* pagesFrom<T extends { id: number }>(
  first: T[],
  read: (cursor: number) => Promise<T[]>,
): AsyncGenerator<T[]> {
  let page = first;
  while (page.length > 0) {
    yield page;
    if (page.length < REPLAY_PAGE) return;
    page = await read(page[page.length - 1].id);
  }
}
