/** Where a row sits in the file: CSV and NDJSON have lines, a JSON array has indexes. */
export const where = (p: { line?: number; index?: number }) => (p.line !== undefined ? `line ${p.line}` : `index ${p.index}`);
