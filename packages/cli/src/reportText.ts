import {
  ISSUE_CODES,
  type IssueCode,
  type LineageRecord,
  type RowIssue,
  type ValidationReport,
} from '@storeflow/core';

/** How many problem codes, and examples of each, the text form shows; `--json` has them all. */
export const REPORT_TEXT_LIMITS = { codes: 10, examplesPerCode: 3 } as const;

/**
 * A validation report for people: source and lineage status, verdict with the rejected share
 * against its limit, row counts, file-level problems and notices, then the most frequent row
 * problem codes with their first examples (line, column, value, rule).
 */
export function renderReport(report: ValidationReport, reportKey: string, record: LineageRecord): string {
  const lines: string[] = [];
  const source = report.source;
  lines.push(`file      ${record.sourceKey}`);
  lines.push(`version   ${record.objectVersion} (event ${String(source.eventTime ?? record.eventTime)})`);
  lines.push(`dataset   ${String(source.dataset ?? record.dataset)}`);
  lines.push(`status    ${record.status}`);
  lines.push(`report    ${reportKey} (generated ${report.generatedAt})`);
  if (record.rejectedRowsKey !== undefined && report.rows.rejected > 0)
    lines.push(`rejected  ${record.rejectedRowsKey}`);
  lines.push(`verdict   ${verdictText(report)}`);
  lines.push(
    `rows      ${report.rows.total} read, ${report.rows.accepted} accepted, ${report.rows.rejected} rejected`,
  );
  if (report.fileIssues.length > 0) {
    lines.push('', 'File problems (the whole file is rejected):');
    for (const issue of report.fileIssues)
      lines.push(`  ${issue.code}: ${issue.message}${columnsText(issue.columns)}`);
  }
  if (report.notices.length > 0) {
    lines.push('', 'Notices (nothing rejected):');
    for (const issue of report.notices)
      lines.push(`  ${issue.code}: ${issue.message}${columnsText(issue.columns)}`);
  }
  const codes = (Object.entries(report.ruleCounts) as [IssueCode, number][]).sort(
    ([codeA, countA], [codeB, countB]) => countB - countA || codeA.localeCompare(codeB),
  );
  if (codes.length > 0) {
    const shown = codes.slice(0, REPORT_TEXT_LIMITS.codes);
    const hidden = codes.length - shown.length;
    lines.push(
      '',
      `Row problems by code, most frequent first${hidden > 0 ? ` (${hidden} more codes in --json)` : ''}:`,
    );
    for (const [code, count] of shown) {
      lines.push(
        `  ${code}  ${count} ${count === 1 ? 'row' : 'rows'}: ${ISSUE_CODES[code]?.description ?? ''}`.trimEnd(),
      );
      for (const example of (report.examples[code] ?? []).slice(0, REPORT_TEXT_LIMITS.examplesPerCode)) {
        lines.push(`    ${exampleText(example)}`);
      }
    }
  }
  if (report.touchedDates.length > 0) {
    const dates = report.touchedDates;
    lines.push(
      '',
      `Order dates (${dates.length}): ${dates.length <= 6 ? dates.join(', ') : `${dates[0]} … ${dates[dates.length - 1]}`}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function verdictText(report: ValidationReport): string {
  if (report.fileIssues.length > 0) return `${report.verdict}: a file-level problem`;
  const share = `${percent(report.rejectedRowRatio)} of rows rejected`;
  const limit = percent(report.maxRejectedRowRatio);
  return report.verdict === 'ACCEPTED'
    ? `ACCEPTED: ${share}, within the limit of ${limit}`
    : `REJECTED: ${share}, above the limit of ${limit}`;
}

function exampleText(issue: RowIssue): string {
  const column = issue.column === undefined ? '' : `, column ${issue.column}`;
  return `line ${issue.line}${column}, value ${JSON.stringify(issue.value)}, rule: ${issue.rule}`;
}

function columnsText(columns: readonly string[] | undefined): string {
  return columns === undefined || columns.length === 0 ? '' : ` (${columns.join(', ')})`;
}

function percent(ratio: number): string {
  // Two decimals of a percentage: 1 bad row in 10,000 still shows.
  return `${Number((ratio * 100).toFixed(2))}%`;
}
