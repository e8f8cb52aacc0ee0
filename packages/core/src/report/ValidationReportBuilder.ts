import type { ColumnSpec, DatasetContract } from '../contracts/types.js';
import type { IssueCode } from '../issueCodes.js';
import { parseCents } from '../money.js';
import type { Anomaly } from '../quality/types.js';
import type { FileIssue, RowIssue } from '../types.js';
import type { Verdict } from '../verdict.js';

/** Completeness of one column over every row read (accepted and rejected). */
export interface ColumnCompleteness {
  /** Rows whose value in this column is not empty. */
  readonly present: number;
  /** `present / rows`, rounded to 4 places; 1 for a file without rows. */
  readonly ratio: number;
}

/** Rows of one order date, by outcome. */
export interface DateRowCounts {
  readonly accepted: number;
  readonly rejected: number;
}

/**
 * Minimum, maximum and mean of a numeric column over the rows read whose value is a number (valid
 * or not: an out-of-range price shows here as the maximum). Money is in integer cents, exact.
 */
export interface NumericColumnProfile {
  /** `cents` for money columns, `integer` for ids and counts. */
  readonly unit: 'cents' | 'integer';
  /** Rows whose value parsed as a number. */
  readonly values: number;
  readonly min: number;
  readonly max: number;
  /** Rounded to 2 places. */
  readonly mean: number;
}

/** What the profile says of one column. */
export interface ColumnProfile {
  /** Share of the rows read whose value is empty or null, rounded to 4 places; 0 for a file without rows. */
  readonly nullRate: number;
  /** For money, id and count columns that had at least one numeric value. */
  readonly numeric?: NumericColumnProfile;
}

/** A data-quality profile of one file, computed in the same pass that validates it. */
export interface FileProfile {
  /** Per column of the header, in header order. */
  readonly columns: Readonly<Record<string, ColumnProfile>>;
  /**
   * Distinct values of the dataset's key among the rows that passed the row checks: exact (the
   * uniqueness rule's key set), absent when no row reached them.
   */
  readonly distinctKeys?: { readonly column: string; readonly count: number };
  /**
   * Rows by order date: an accepted row under the date it is filed under in silver, a rejected
   * one under the UTC date of its own `created_at` when that parses. Sorted by date.
   */
  readonly rowsByDate: Readonly<Record<string, DateRowCounts>>;
  /** Rows that count under no date: products, and rejected rows without a readable `created_at`. */
  readonly undated: DateRowCounts;
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
  readonly profile: FileProfile;
  /**
   * The file-scope anomalies found when the file's profile was judged against the dataset's
   * recent files (empty when none were, or before judging).
   */
  readonly anomalies: readonly Anomaly[];
  /** Phase durations in milliseconds. */
  readonly timingsMs: Readonly<Record<string, number>>;
  readonly generatedAt: string;
  /** The contract the file was judged by; absent when no contract applied (an unroutable key). */
  readonly contract?: { readonly id: string; readonly version: string };
}

export interface ReportBuilderOptions {
  /** Examples kept per code (default 10): enough to fix an export, bounded for huge files. */
  maxExamplesPerCode?: number;
  /** The contract of the file's dataset: its column kinds say which columns are numeric, and the report names it. */
  contract?: DatasetContract;
}

/** What a counted row adds to its date's counts. */
interface MutableDateRowCounts {
  accepted: number;
  rejected: number;
}

const CH_0 = 48;

/**
 * Accumulates what a report needs while a file streams by, in memory independent of the file's
 * size: counters, per-column tallies and a bounded sample of problems.
 */
export class ValidationReportBuilder {
  readonly #columns: readonly string[];
  readonly #contract: DatasetContract | undefined;
  readonly #present: Float64Array;
  readonly #maxExamples: number;
  readonly #ruleCounts = new Map<IssueCode, number>();
  readonly #examples = new Map<IssueCode, RowIssue[]>();
  readonly #fileIssues: FileIssue[] = [];
  readonly #notices: FileIssue[] = [];
  /** Header positions of the money columns, then of the id and count columns. */
  readonly #moneyFields: Int32Array;
  readonly #integerFields: Int32Array;
  /** Per numeric column (money first, as in the fields above): values, min, max, sum. */
  readonly #numericValues: Float64Array;
  readonly #numericMin: Float64Array;
  readonly #numericMax: Float64Array;
  readonly #numericSum: Float64Array;
  // Bounded by the file's distinct order dates (a few thousand at most), not by its rows.
  readonly #rowsByDate = new Map<string, MutableDateRowCounts>();
  readonly #undated: MutableDateRowCounts = { accepted: 0, rejected: 0 };
  #distinctKeys: { column: string; count: number } | undefined;
  #total = 0;
  #accepted = 0;
  #rejected = 0;

  /** @param columns the file's header, in field order */
  constructor(columns: readonly string[], options: ReportBuilderOptions = {}) {
    this.#columns = columns;
    this.#present = new Float64Array(columns.length);
    this.#maxExamples = options.maxExamplesPerCode ?? 10;
    this.#contract = options.contract;
    const specs = options.contract?.columns ?? [];
    const positionsOf = (matches: (column: ColumnSpec) => boolean) =>
      Int32Array.from(
        columns.flatMap((name, index) => {
          const spec = specs.find((column) => column.physicalName === name);
          return spec !== undefined && matches(spec) ? [index] : [];
        }),
      );
    this.#moneyFields = positionsOf((column) => column.kind === 'money');
    // Profiled with the unsigned digit reader, so positive integers (ids and counts) only.
    this.#integerFields = positionsOf(
      (column) =>
        column.kind === 'integer' && column.range.minimum !== undefined && column.range.minimum >= 1,
    );
    const numericColumns = this.#moneyFields.length + this.#integerFields.length;
    this.#numericValues = new Float64Array(numericColumns);
    this.#numericMin = new Float64Array(numericColumns).fill(Number.POSITIVE_INFINITY);
    this.#numericMax = new Float64Array(numericColumns).fill(Number.NEGATIVE_INFINITY);
    this.#numericSum = new Float64Array(numericColumns);
  }

  /** Counts the non-empty fields of one row read, whatever its outcome, and its numeric values. */
  observeRow(fields: readonly string[]): void {
    this.#total += 1;
    const present = this.#present;
    const count = Math.min(fields.length, present.length);
    for (let index = 0; index < count; index++) {
      if (fields[index] !== '') present[index] = (present[index] as number) + 1;
    }
    // A row whose fields do not line up with the header has no column values to profile.
    if (fields.length !== present.length) return;
    const moneyFields = this.#moneyFields;
    for (let slot = 0; slot < moneyFields.length; slot++) {
      const cents = parseCents(fields[moneyFields[slot] as number] as string);
      if (typeof cents === 'number') this.#observeNumber(slot, cents);
    }
    const integerFields = this.#integerFields;
    const offset = moneyFields.length;
    for (let slot = 0; slot < integerFields.length; slot++) {
      const value = digitsValue(fields[integerFields[slot] as number] as string);
      if (value >= 0) this.#observeNumber(offset + slot, value);
    }
  }

  #observeNumber(slot: number, value: number): void {
    this.#numericValues[slot] = (this.#numericValues[slot] as number) + 1;
    this.#numericSum[slot] = (this.#numericSum[slot] as number) + value;
    if (value < (this.#numericMin[slot] as number)) this.#numericMin[slot] = value;
    if (value > (this.#numericMax[slot] as number)) this.#numericMax[slot] = value;
  }

  /**
   * Records accepted rows.
   *
   * @param orderDate the order date they are filed under (`YYYY-MM-DD`); absent for products
   */
  accept(rows = 1, orderDate?: string): void {
    this.#accepted += rows;
    this.#countsOf(orderDate).accepted += rows;
  }

  /**
   * Records one rejected row and every problem it has.
   *
   * @param orderDate the UTC date of the row's own `created_at`, when it has a readable one
   */
  reject(issues: readonly RowIssue[], orderDate?: string): void {
    this.#rejected += 1;
    this.#countsOf(orderDate).rejected += 1;
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

  /** The exact number of distinct keys in `column` among the rows that passed the row checks. */
  recordDistinctKeys(column: string, count: number): void {
    this.#distinctKeys = { column, count };
  }

  #countsOf(orderDate: string | undefined): MutableDateRowCounts {
    if (orderDate === undefined) return this.#undated;
    let counts = this.#rowsByDate.get(orderDate);
    if (counts === undefined) {
      counts = { accepted: 0, rejected: 0 };
      this.#rowsByDate.set(orderDate, counts);
    }
    return counts;
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
      profile: this.#profile(),
      anomalies: [],
      timingsMs: input.timingsMs,
      generatedAt: input.generatedAt,
      ...(this.#contract === undefined
        ? {}
        : { contract: { id: this.#contract.contractId, version: this.#contract.contractVersion } }),
    };
  }

  #profile(): FileProfile {
    const total = this.#total;
    const numericByField = new Map<number, NumericColumnProfile>();
    const describe = (fields: Int32Array, offset: number, unit: NumericColumnProfile['unit']) => {
      fields.forEach((field, index) => {
        const slot = offset + index;
        const values = this.#numericValues[slot] as number;
        if (values === 0) return;
        numericByField.set(field, {
          unit,
          values,
          min: this.#numericMin[slot] as number,
          max: this.#numericMax[slot] as number,
          mean: roundTo((this.#numericSum[slot] as number) / values, 2),
        });
      });
    };
    describe(this.#moneyFields, 0, 'cents');
    describe(this.#integerFields, this.#moneyFields.length, 'integer');
    const columns: Record<string, ColumnProfile> = {};
    this.#columns.forEach((column, index) => {
      const present = this.#present[index] as number;
      const numeric = numericByField.get(index);
      columns[column] = {
        nullRate: total === 0 ? 0 : roundTo(1 - present / total, 4),
        ...(numeric === undefined ? {} : { numeric }),
      };
    });
    const rowsByDate = Object.fromEntries(
      [...this.#rowsByDate]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([date, counts]) => [date, { ...counts }]),
    );
    return {
      columns,
      ...(this.#distinctKeys === undefined ? {} : { distinctKeys: { ...this.#distinctKeys } }),
      rowsByDate,
      undated: { ...this.#undated },
    };
  }
}

/** The value of a string of decimal digits, or -1 for anything else (empty, a sign, a dot). */
function digitsValue(text: string): number {
  const length = text.length;
  if (length === 0 || length > 15) return -1;
  let value = 0;
  for (let i = 0; i < length; i++) {
    const digit = text.charCodeAt(i) - CH_0;
    if (!(digit >= 0 && digit <= 9)) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function roundTo(value: number, places: number): number {
  const factor = 10 ** places;
  return Math.round(value * factor) / factor;
}
