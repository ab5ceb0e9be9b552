// Plain fixed-width text tables for the terminal. Pure: returns a string.

export type Align = 'left' | 'right';

export interface Column {
  header: string;
  align?: Align;
}

/** Render rows under headers, padding each column to its widest cell. `null` cells print as `-`. */
export function formatTable(columns: Column[], rows: (string | number | null)[][]): string {
  const cells = rows.map((row) => columns.map((_, i) => cellText(row[i])));
  const widths = columns.map((col, i) => Math.max(col.header.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((value, i) => (columns[i]!.align === 'right' ? value.padStart(widths[i]!) : value.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const header = line(columns.map((c) => c.header));
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [header, rule, ...cells.map(line)].join('\n') + '\n';
}

function cellText(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  return String(value);
}
