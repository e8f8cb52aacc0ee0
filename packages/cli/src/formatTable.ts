/** One column of {@link formatTable}: numbers read best right-aligned. */
export interface TableColumn {
  readonly header: string;
  readonly align?: 'left' | 'right';
}

/**
 * Plain-text table: a header line, then one line per row, columns two spaces apart and padded to
 * their widest cell. The last column is not padded, so lines carry no trailing spaces.
 *
 * @example
 * formatTable([{ header: 'KEY' }, { header: 'ROWS', align: 'right' }], [['raw/a.csv', '12']]);
 * // 'KEY        ROWS\nraw/a.csv    12\n'
 */
export function formatTable(columns: readonly TableColumn[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...rows.map((row) => (row[index] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    columns
      .map((column, index) => {
        const cell = cells[index] ?? '';
        const width = widths[index] ?? 0;
        if (column.align === 'right') return cell.padStart(width);
        return index === columns.length - 1 ? cell : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.header)), ...rows.map((row) => line(row)), ''].join('\n');
}
