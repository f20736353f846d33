// Reads every row after an id, page by page, so a long replay never loads an unbounded result at once.
export async function readAllAfter<Row extends { id: number }>(
  afterId: number,
  readPage: (cursor: number, take: number) => Promise<Row[]>,
  pageSize = 500,
): Promise<Row[]> {
  const rows: Row[] = [];
  for (let cursor = afterId; ;) {
    const page = await readPage(cursor, pageSize);
    rows.push(...page);
    if (page.length < pageSize) return rows;
    cursor = page[page.length - 1].id;
  }
}
