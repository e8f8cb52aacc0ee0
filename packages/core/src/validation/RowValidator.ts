import type { ValidateFunction } from 'ajv';
import type { ColumnSpec, CompiledRule, ConvertedValue, DatasetContract } from '../contracts/types.js';
import type { IssueCode } from '../issueCodes.js';
import { KeyTracker } from '../KeyTracker.js';
import { parseCents } from '../money.js';
import { parseTimestamp } from '../timestamps.js';
import type { RowIssue } from '../types.js';
import { issueValue } from './issueValue.js';
import type { RowAssembler } from './rowAssemblers.js';
import { recordValidator } from './rowSchemas.js';

/** Outcome of validating one row: the typed row (and its extra columns), or every problem found in it. */
export type RowResult<R> =
  | {
      readonly ok: true;
      readonly row: R;
      /** The row's values of columns (or JSON keys) the contract does not define, by name as read; undefined when it has none. */
      readonly extra: Readonly<Record<string, string>> | undefined;
    }
  | { readonly ok: false; readonly issues: RowIssue[] };

const CH_0 = 48;
const CH_MINUS = 45;

const VALUE_MISSING = { code: 'REQUIRED_VALUE_MISSING', rule: 'is not empty' } as const;

/** Where the fields of a file's header go. */
export interface HeaderLayout {
  /** Header position of each column ordinal, -1 when an optional column is absent. */
  readonly fieldIndex: Int32Array;
  readonly fieldCount: number;
  /** Header positions and names of the columns the contract does not define. */
  readonly extraFields: readonly { readonly index: number; readonly name: string }[];
}

/**
 * Validates the rows of one file of one dataset against its compiled contract: schema (ajv),
 * typed conversion with ranges, the contract's business rules and uniqueness of the key inside
 * the file. Built by `createRowValidator`, which has already checked the header. Holds per-file
 * state (the accepted keys), so use one per file.
 */
export class RowValidator<R> {
  /** Dataset the rows belong to. */
  readonly dataset: string;
  readonly #contract: DatasetContract;
  readonly #columns: readonly ColumnSpec[];
  readonly #layout: HeaderLayout;
  readonly #assemble: RowAssembler<R>;
  readonly #ordinalByPath: ReadonlyMap<string, number>;
  readonly #validateRecord: ValidateFunction;
  readonly #rules: readonly CompiledRule[];
  /** The injected clock plus the allowed skew, epoch ms: `now` in the rules. */
  readonly #now: number;
  readonly #keys = new KeyTracker();
  // Reused for every row: ajv keeps no reference to the record, and the assembler copies the values.
  readonly #record: Record<string, string> = {};
  readonly #values: ConvertedValue[];

  /** @internal use `createRowValidator`, which checks the header and the options first. */
  constructor(contract: DatasetContract, layout: HeaderLayout, assemble: RowAssembler<R>, now: number) {
    this.dataset = contract.dataset;
    this.#contract = contract;
    this.#columns = contract.columns;
    this.#layout = layout;
    this.#assemble = assemble;
    this.#ordinalByPath = new Map(contract.columns.map((column, ordinal) => [`/${column.name}`, ordinal]));
    this.#validateRecord = recordValidator(contract);
    this.#rules = contract.rules;
    this.#now = now;
    this.#values = new Array<ConvertedValue>(contract.columns.length).fill(undefined);
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
   * @param extra values of fields the header does not place (a JSON Lines object's keys the
   *   contract does not define, `ParsedRow.extra`): the accepted row's `extra` when the header
   *   has no extra columns of its own
   */
  validate(fields: readonly string[], line: number, extra?: Readonly<Record<string, string>>): RowResult<R> {
    const { fieldIndex, fieldCount } = this.#layout;
    if (fields.length !== fieldCount) {
      // Fields cannot be matched to columns, so any further check would report noise.
      return {
        ok: false,
        issues: [
          {
            code: 'COLUMN_COUNT_MISMATCH',
            line,
            column: undefined,
            value: `${fields.length} fields`,
            rule: `a line has ${fieldCount} fields, like the header`,
          },
        ],
      };
    }
    const columns = this.#columns;
    const record = this.#record;
    for (let c = 0; c < columns.length; c++) {
      const column = columns[c] as ColumnSpec;
      const raw = rawField(fields, fieldIndex[c] as number);
      // Case-insensitive values (statuses, SPEC §2): the enum sees the lower-case form.
      record[column.name] = column.caseInsensitive ? raw.toLowerCase() : raw;
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
        const column = columns[c] as ColumnSpec;
        const raw = rawField(fields, fieldIndex[c] as number);
        const failure =
          raw === '' && column.valueRequired
            ? VALUE_MISSING
            : column.kind === 'money'
              ? { code: 'MONEY_NOT_DECIMAL', rule: 'is a decimal number' }
              : // Timestamps are only checked for emptiness here; their format is checked below.
                column.kind === 'timestamp'
                ? VALUE_MISSING
                : { code: column.invalidCode, rule: column.invalidRule };
        issues ??= [];
        issues.push({
          code: failure.code as IssueCode,
          line,
          column: column.name,
          value: issueValue(raw),
          rule: `${column.name} ${failure.rule}`,
        });
      }
    }

    const values = this.#values;
    for (let c = 0; c < columns.length; c++) {
      if ((failed & (1 << c)) !== 0) continue;
      const column = columns[c] as ColumnSpec;
      const raw = rawField(fields, fieldIndex[c] as number);
      let value: ConvertedValue;
      let code: string | undefined;
      let ruleText = '';
      if (raw === '') {
        value = undefined;
      } else {
        switch (column.kind) {
          case 'integer':
            value = integerValue(raw);
            if (!inRange(value, column)) {
              code = column.invalidCode;
              ruleText = column.invalidRule;
            }
            break;
          case 'money': {
            const cents = parseCents(raw);
            if (typeof cents === 'string') {
              code = cents === 'TOO_MANY_DECIMALS' ? 'MONEY_TOO_MANY_DECIMALS' : 'MONEY_NOT_DECIMAL';
              ruleText = 'has at most 2 decimal places';
            } else if (!inRange(cents, column)) {
              code = column.invalidCode;
              // For money the compiled rule text is the range itself (`> 0`).
              ruleText = column.invalidRule;
            }
            value = cents;
            break;
          }
          case 'decimal':
            value = Number(raw);
            if (!inRange(value, column)) {
              code = column.invalidCode;
              ruleText = column.invalidRule;
            }
            break;
          case 'timestamp':
            value = parseTimestamp(raw);
            if (value === undefined) {
              code = column.invalidCode;
              ruleText = column.invalidRule;
            }
            break;
          case 'enum':
            value = record[column.name];
            break;
          default:
            value = raw;
        }
      }
      if (code !== undefined) {
        failed |= 1 << c;
        issues ??= [];
        issues.push({
          code: code as IssueCode,
          line,
          column: column.name,
          value: issueValue(raw),
          rule: `${column.name} ${ruleText}`,
        });
      }
      values[c] = value;
    }

    const now = this.#now;
    for (const rule of this.#rules) {
      if ((rule.reads & failed) !== 0 || rule.check(values, now)) continue;
      const c = columns.findIndex((column) => column.name === rule.column);
      issues ??= [];
      issues.push({
        code: rule.code as IssueCode,
        line,
        column: rule.column,
        value: issueValue(rawField(fields, fieldIndex[c] as number)),
        rule: rule.rule,
      });
    }

    const keyOrdinal = this.#contract.keyOrdinal;
    if ((failed & (1 << keyOrdinal)) === 0) {
      const key = values[keyOrdinal] as number;
      // Only accepted rows claim their key: a rejected first copy must not reject a good later one.
      const repeated = issues === undefined ? !this.#keys.add(key) : this.#keys.has(key);
      if (repeated) {
        const column = (columns[keyOrdinal] as ColumnSpec).name;
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
    if (issues !== undefined) return { ok: false, issues };
    return { ok: true, row: this.#assemble(values), extra: this.#extra(fields) ?? extra };
  }

  #extra(fields: readonly string[]): Record<string, string> | undefined {
    const extraFields = this.#layout.extraFields;
    if (extraFields.length === 0) return undefined;
    const extra: Record<string, string> = {};
    for (const { index, name } of extraFields) extra[name] = fields[index] ?? '';
    return extra;
  }
}

function rawField(fields: readonly string[], index: number): string {
  return index < 0 ? '' : (fields[index] ?? '');
}

function inRange(value: number, column: ColumnSpec): boolean {
  const { minimum, exclusiveMinimum, maximum, exclusiveMaximum } = column.range;
  return !(
    (minimum !== undefined && value < minimum) ||
    (exclusiveMinimum !== undefined && value <= exclusiveMinimum) ||
    (maximum !== undefined && value > maximum) ||
    (exclusiveMaximum !== undefined && value >= exclusiveMaximum)
  );
}

/**
 * Value of an optionally signed string of decimal digits, which the schema has already checked
 * (at most 15 digits, so below 2^53 and exact): the same number as `Number(text)`, without its
 * general-purpose parse.
 */
function integerValue(text: string): number {
  const negative = text.charCodeAt(0) === CH_MINUS;
  let value = 0;
  for (let i = negative ? 1 : 0; i < text.length; i++) value = value * 10 + (text.charCodeAt(i) - CH_0);
  return negative ? -value : value;
}
