import type { ValidateFunction } from 'ajv';
import type { Dataset } from '../datasets.js';
import type { IssueCode } from '../issueCodes.js';
import { KeyTracker } from '../KeyTracker.js';
import { parseCents } from '../money.js';
import { parseTimestamp } from '../timestamps.js';
import type { RowIssue } from '../types.js';
import { COLUMN_RULES, type ColumnRule } from './columnRules.js';
import type { BoundRule, ConvertedValue, DatasetDefinition, RuleSettings } from './datasetDefinitions.js';
import { issueValue } from './issueValue.js';
import { recordValidator } from './rowSchemas.js';

/** Outcome of validating one row: the typed row, or every problem found in it. */
export type RowResult<R> =
  | { readonly ok: true; readonly row: R }
  | { readonly ok: false; readonly issues: RowIssue[] };

const CH_0 = 48;

const VALUE_MISSING = { code: 'REQUIRED_VALUE_MISSING', rule: 'is not empty' } as const;

/** Code and rule text reported when the schema rejects a non-empty value of a column kind. */
const SCHEMA_FAILURES: Record<ColumnRule['kind'], { code: IssueCode; rule: string }> = {
  id: { code: 'ID_NOT_POSITIVE_INTEGER', rule: 'is a positive integer' },
  count: { code: 'NUM_OF_ITEM_INVALID', rule: 'is an integer >= 1' },
  money: { code: 'MONEY_NOT_DECIMAL', rule: 'is a decimal number' },
  text: { code: 'REQUIRED_TEXT_BLANK', rule: 'is not blank' },
  status: { code: 'STATUS_INVALID', rule: 'is a known status' },
  // The schema only checks these for emptiness; their format is checked later, with its own code.
  freeText: VALUE_MISSING,
  sku: VALUE_MISSING,
  timestamp: VALUE_MISSING,
};

/**
 * Validates the rows of one file of one dataset: schema (ajv), typed conversion, business rules
 * and uniqueness of the key inside the file. Built by `createRowValidator`, which has already
 * checked the header. Holds per-file state (the accepted keys), so use one per file.
 */
export class RowValidator<R> {
  /** Dataset the rows belong to. */
  readonly dataset: Dataset;
  readonly #definition: DatasetDefinition<R>;
  readonly #fieldCount: number;
  /** Header position of each column ordinal, -1 when an optional column is absent. */
  readonly #fieldIndex: Int32Array;
  readonly #columnRules: readonly ColumnRule[];
  readonly #ordinalByPath: ReadonlyMap<string, number>;
  readonly #validateRecord: ValidateFunction;
  readonly #rules: readonly BoundRule<R>[];
  readonly #keys = new KeyTracker();
  // Reused for every row: ajv keeps no reference to the record, and assemble() copies the values.
  readonly #record: Record<string, string> = {};
  readonly #values: ConvertedValue[];

  /** @internal use `createRowValidator`, which checks the header and the options first. */
  constructor(
    dataset: Dataset,
    definition: DatasetDefinition<R>,
    fieldIndex: Int32Array,
    fieldCount: number,
    settings: RuleSettings,
  ) {
    this.dataset = dataset;
    this.#definition = definition;
    this.#fieldIndex = fieldIndex;
    this.#fieldCount = fieldCount;
    this.#columnRules = definition.columns.map((column) => COLUMN_RULES[dataset][column] as ColumnRule);
    this.#ordinalByPath = new Map(definition.columns.map((column, ordinal) => [`/${column}`, ordinal]));
    this.#validateRecord = recordValidator(dataset);
    this.#rules = definition.bindRules(settings);
    this.#values = new Array<ConvertedValue>(definition.columns.length).fill(undefined);
  }

  /** Number of distinct keys accepted so far in this file. */
  get acceptedKeys(): number {
    return this.#keys.size;
  }

  /**
   * Validates one record and collects every problem of it, not only the first.
   *
   * @param fields raw field values in header order, as the CSV parser (or JsonLineDecoder) gives them
   * @param line physical line number in the file; the CSV header is line 1
   */
  validate(fields: readonly string[], line: number): RowResult<R> {
    if (fields.length !== this.#fieldCount) {
      // Fields cannot be matched to columns, so any further check would report noise.
      return {
        ok: false,
        issues: [
          {
            code: 'COLUMN_COUNT_MISMATCH',
            line,
            column: undefined,
            value: `${fields.length} fields`,
            rule: `a line has ${this.#fieldCount} fields, like the header`,
          },
        ],
      };
    }
    const columns = this.#definition.columns;
    const columnRules = this.#columnRules;
    const fieldIndex = this.#fieldIndex;
    const record = this.#record;
    for (let c = 0; c < columns.length; c++) {
      const raw = rawField(fields, fieldIndex[c] as number);
      // Statuses are case-insensitive (SPEC §2): the enum sees the lower-case form.
      record[columns[c] as string] =
        (columnRules[c] as ColumnRule).kind === 'status' ? raw.toLowerCase() : raw;
    }

    let issues: RowIssue[] | undefined;
    // Bit c set: column ordinal c already failed, so later stages skip it and the rules reading it.
    let failed = 0;
    const validateRecord = this.#validateRecord;
    if (!validateRecord(record)) {
      for (const error of validateRecord.errors ?? []) {
        const c = this.#ordinalByPath.get(error.instancePath);
        if (c === undefined || (failed & (1 << c)) !== 0) continue;
        failed |= 1 << c;
        const column = columns[c] as string;
        const raw = rawField(fields, fieldIndex[c] as number);
        const failure =
          raw === '' && (columnRules[c] as ColumnRule).valueRequired
            ? VALUE_MISSING
            : SCHEMA_FAILURES[(columnRules[c] as ColumnRule).kind];
        issues ??= [];
        issues.push({
          code: failure.code,
          line,
          column,
          value: issueValue(raw),
          rule: `${column} ${failure.rule}`,
        });
      }
    }

    const values = this.#values;
    for (let c = 0; c < columns.length; c++) {
      if ((failed & (1 << c)) !== 0) continue;
      const rule = columnRules[c] as ColumnRule;
      const raw = rawField(fields, fieldIndex[c] as number);
      let value: ConvertedValue;
      let code: IssueCode | undefined;
      let ruleText = '';
      switch (rule.kind) {
        case 'id':
        case 'count':
          value = raw === '' ? undefined : digitsValue(raw);
          break;
        case 'money': {
          const cents = parseCents(raw);
          if (typeof cents === 'string') {
            code = cents === 'TOO_MANY_DECIMALS' ? 'MONEY_TOO_MANY_DECIMALS' : 'MONEY_NOT_DECIMAL';
            ruleText = 'has at most 2 decimal places';
          } else if (rule.moneyMin === 'positive' ? cents <= 0 : cents < 0) {
            code = 'MONEY_OUT_OF_RANGE';
            ruleText = rule.moneyMin === 'positive' ? '> 0' : '>= 0';
          }
          value = cents;
          break;
        }
        case 'timestamp':
          value = raw === '' ? undefined : parseTimestamp(raw);
          if (raw !== '' && value === undefined) {
            code = 'TIMESTAMP_INVALID';
            ruleText = 'is an ISO 8601 or YYYY-MM-DD HH:MM:SS timestamp';
          }
          break;
        case 'status':
          value = record[columns[c] as string];
          break;
        case 'freeText':
          value = raw === '' ? undefined : raw;
          break;
        default:
          value = raw;
      }
      if (code !== undefined) {
        failed |= 1 << c;
        const column = columns[c] as string;
        issues ??= [];
        issues.push({ code, line, column, value: issueValue(raw), rule: `${column} ${ruleText}` });
      }
      values[c] = value;
    }

    const row = this.#definition.assemble(values);
    for (const rule of this.#rules) {
      if ((rule.reads & failed) !== 0) continue;
      const violation = rule.check(row);
      if (violation === undefined) continue;
      const c = columns.indexOf(violation.column);
      issues ??= [];
      issues.push({
        code: violation.code,
        line,
        column: violation.column,
        value: issueValue(rawField(fields, fieldIndex[c] as number)),
        rule: violation.rule,
      });
    }

    const keyOrdinal = this.#definition.keyOrdinal;
    if ((failed & (1 << keyOrdinal)) === 0) {
      const key = values[keyOrdinal] as number;
      // Only accepted rows claim their key: a rejected first copy must not reject a good later one.
      const repeated = issues === undefined ? !this.#keys.add(key) : this.#keys.has(key);
      if (repeated) {
        const column = columns[keyOrdinal] as string;
        issues ??= [];
        issues.push({
          code: 'DUPLICATE_KEY_IN_FILE',
          line,
          column,
          value: issueValue(rawField(fields, fieldIndex[keyOrdinal] as number)),
          rule: `${column} is unique within the file`,
        });
      }
    }
    return issues === undefined ? { ok: true, row } : { ok: false, issues };
  }
}

function rawField(fields: readonly string[], index: number): string {
  return index < 0 ? '' : (fields[index] ?? '');
}

/**
 * Value of a string of decimal digits, which the schema has already checked (at most 15 digits,
 * so below 2^53 and exact): the same number as `Number(text)`, without its general-purpose parse.
 */
function digitsValue(text: string): number {
  let value = 0;
  for (let i = 0; i < text.length; i++) value = value * 10 + (text.charCodeAt(i) - CH_0);
  return value;
}
