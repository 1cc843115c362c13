// CSV per RFC 4180: a cell with a comma, quote, CR or LF is quoted, quotes doubled; null and undefined
// are empty cells. The one helper behind results.csv and sweep.csv.

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (no line break) of these cells. */
export function csvRow(cells: readonly unknown[]): string {
  return cells.map(csvCell).join(',');
}
