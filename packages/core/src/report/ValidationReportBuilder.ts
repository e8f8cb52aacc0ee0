import type { IssueCode } from '../issueCodes.js';
import type { FileIssue, RowIssue } from '../types.js';
import type { Verdict } from '../verdict.js';

/** Completeness of one column over every row read (accepted and rejected). */
export interface ColumnCompleteness {
  /** Rows whose value in this column is not empty. */
  readonly present: number;
  /** `present / rows`, rounded to 4 places; 1 for a file without rows. */
  readonly ratio: number;
}

/** The JSON document written to `validation-reports/<dataset>/<date>/<path>/<version>.json`. */
export interface ValidationReport {
  readonly reportVersion: 1;
  readonly source: Readonly<Record<string, string | number | boolean>>;
  readonly verdict: Verdict;
  readonly rows: { readonly total: number; readonly accepted: number; readonly rejected: number };
  readonly rejectedRowRatio: number;
  readonly maxRejectedRowRatio: number;
  readonly fileIssues: readonly FileIssue[];
  readonly notices: readonly FileIssue[];
  /** Problems per code; a row with two problems counts under both codes but once in `rows.rejected`. */
  readonly ruleCounts: Readonly<Partial<Record<IssueCode, number>>>;
  /** The first problems of each code, in file order. */
  readonly examples: Readonly<Partial<Record<IssueCode, readonly RowIssue[]>>>;
  readonly columnCompleteness: Readonly<Record<string, ColumnCompleteness>>;
  /** Order dates the accepted rows count towards, sorted. */
  readonly touchedDates: readonly string[];
  /** Phase durations in milliseconds. */
  readonly timingsMs: Readonly<Record<string, number>>;
  readonly generatedAt: string;
}

export interface ReportBuilderOptions {
  /** Examples kept per code (default 10): enough to fix an export, bounded for huge files. */
  maxExamplesPerCode?: number;
}

/**
 * Accumulates what a report needs while a file streams by, in memory independent of the file's
 * size: counters, per-column tallies and a bounded sample of problems.
 */
export class ValidationReportBuilder {
  readonly #columns: readonly string[];
  readonly #present: Float64Array;
  readonly #maxExamples: number;
  readonly #ruleCounts = new Map<IssueCode, number>();
  readonly #examples = new Map<IssueCode, RowIssue[]>();
  readonly #fileIssues: FileIssue[] = [];
  readonly #notices: FileIssue[] = [];
  #total = 0;
  #accepted = 0;
  #rejected = 0;

  /** @param columns the file's header, in field order */
  constructor(columns: readonly string[], options: ReportBuilderOptions = {}) {
    this.#columns = columns;
    this.#present = new Float64Array(columns.length);
    this.#maxExamples = options.maxExamplesPerCode ?? 10;
  }

  /** Counts the non-empty fields of one row read, whatever its outcome. */
  observeRow(fields: readonly string[]): void {
    this.#total += 1;
    const present = this.#present;
    const count = Math.min(fields.length, present.length);
    for (let index = 0; index < count; index++) {
      if (fields[index] !== '') present[index] = (present[index] as number) + 1;
    }
  }

  accept(rows = 1): void {
    this.#accepted += rows;
  }

  /** Records one rejected row and every problem it has. */
  reject(issues: readonly RowIssue[]): void {
    this.#rejected += 1;
    for (const issue of issues) {
      this.#ruleCounts.set(issue.code, (this.#ruleCounts.get(issue.code) ?? 0) + 1);
      let examples = this.#examples.get(issue.code);
      if (examples === undefined) {
        examples = [];
        this.#examples.set(issue.code, examples);
      }
      if (examples.length < this.#maxExamples) examples.push(issue);
    }
  }

  /** A problem with the whole file (it rejects the file) or a notice (it does not). */
  addFileIssue(issue: FileIssue, kind: 'problem' | 'notice'): void {
    (kind === 'problem' ? this.#fileIssues : this.#notices).push(issue);
  }

  get fileIssues(): readonly FileIssue[] {
    return this.#fileIssues;
  }

  get counts(): { total: number; accepted: number; rejected: number } {
    return { total: this.#total, accepted: this.#accepted, rejected: this.#rejected };
  }

  build(input: {
    source: Readonly<Record<string, string | number | boolean>>;
    verdict: Verdict;
    maxRejectedRowRatio: number;
    touchedDates: Iterable<string>;
    timingsMs: Readonly<Record<string, number>>;
    generatedAt: string;
  }): ValidationReport {
    const total = this.#total;
    const columnCompleteness: Record<string, ColumnCompleteness> = {};
    this.#columns.forEach((column, index) => {
      const present = this.#present[index] as number;
      columnCompleteness[column] = { present, ratio: total === 0 ? 1 : roundTo(present / total, 4) };
    });
    return {
      reportVersion: 1,
      source: input.source,
      verdict: input.verdict,
      rows: { total, accepted: this.#accepted, rejected: this.#rejected },
      rejectedRowRatio: total === 0 ? 0 : roundTo(this.#rejected / total, 6),
      maxRejectedRowRatio: input.maxRejectedRowRatio,
      fileIssues: [...this.#fileIssues],
      notices: [...this.#notices],
      ruleCounts: Object.fromEntries([...this.#ruleCounts].sort(([a], [b]) => a.localeCompare(b))),
      examples: Object.fromEntries([...this.#examples].sort(([a], [b]) => a.localeCompare(b))),
      columnCompleteness,
      touchedDates: [...new Set(input.touchedDates)].sort(),
      timingsMs: input.timingsMs,
      generatedAt: input.generatedAt,
    };
  }
}

function roundTo(value: number, places: number): number {
  const factor = 10 ** places;
  return Math.round(value * factor) / factor;
}
