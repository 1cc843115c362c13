// CSV per RFC 4180: a cell with a comma, quote, CR or LF is quoted, quotes doubled; null and undefined
// are empty cells. The one helper behind results.csv and sweep.csv.

/** A cell's value: text, a number or a flag; null and undefined are empty. */
export type CsvValue = string | number | boolean | null | undefined;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (no line break) of these cells. */
export function csvRow(cells: readonly CsvValue[]): string {
  return cells.map(csvCell).join(',');
}
