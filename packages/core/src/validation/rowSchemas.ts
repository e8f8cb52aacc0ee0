import { Ajv, type SchemaObject, type ValidateFunction } from 'ajv';
import type { ColumnSpec, DatasetContract } from '../contracts/types.js';

/** Shape only; precision and range are checked on the cents, each with its own code. */
const MONEY_PATTERN = '-?[0-9]{1,13}(?:\\.[0-9]+)?';
const DECIMAL_PATTERN = '-?[0-9]{1,15}(?:\\.[0-9]+)?';

/** Digits of an integer column: positive ones without a sign or leading zero, as ids are written. */
function integerPattern(column: ColumnSpec): string {
  const rest = `[0-9]{0,${column.maxDigits - 1}}`;
  const positive = column.range.minimum !== undefined && column.range.minimum >= 1;
  return positive ? `[1-9]${rest}` : `-?(?:0|[1-9]${rest})`;
}

/** A pattern for the whole value; an empty optional value means "absent", so it also admits ''. */
function anchored(pattern: string, column: ColumnSpec): string {
  return column.valueRequired ? `^(?:${pattern})$` : `^(?:${pattern})?$`;
}

function columnSchema(column: ColumnSpec): SchemaObject {
  switch (column.kind) {
    case 'integer':
      return { type: 'string', pattern: anchored(integerPattern(column), column) };
    case 'money':
      return { type: 'string', pattern: anchored(MONEY_PATTERN, column) };
    case 'decimal':
      return { type: 'string', pattern: anchored(DECIMAL_PATTERN, column) };
    case 'enum':
      return {
        type: 'string',
        enum: column.valueRequired ? [...(column.values ?? [])] : ['', ...(column.values ?? [])],
      };
    case 'string': {
      const checks: SchemaObject[] = [];
      // A contract's pattern is not anchored unless it says so (`\S`: holds a non-space).
      if (column.pattern !== undefined) checks.push({ pattern: column.pattern });
      if (column.minLength !== undefined) checks.push({ minLength: column.minLength });
      if (column.maxLength !== undefined) checks.push({ maxLength: column.maxLength });
      if (checks.length === 0)
        return column.valueRequired ? { type: 'string', minLength: 1 } : { type: 'string' };
      const all: SchemaObject = { type: 'string', allOf: checks };
      return column.valueRequired ? { ...all, minLength: 1 } : { anyOf: [{ const: '' }, all] };
    }
    default:
      // Timestamps are left to the hand-written parser, which is faster than a pattern followed
      // by a parse and also checks days per month.
      return column.valueRequired ? { type: 'string', minLength: 1 } : { type: 'string' };
  }
}

/**
 * JSON Schema of one raw record (logical column name → raw string) of a dataset: only what a
 * pattern or an enum says cheaply lives here.
 */
function recordSchema(contract: DatasetContract): SchemaObject {
  const properties: Record<string, SchemaObject> = {};
  for (const column of contract.columns) properties[column.name] = columnSchema(column);
  return { type: 'object', required: contract.columns.map((column) => column.name), properties };
}

// Compiled once per compiled contract per process: compiling costs milliseconds, validating
// microseconds. The functions are stateless between calls apart from `.errors`, which is read
// synchronously right after each call.
const compiled = new WeakMap<DatasetContract, ValidateFunction>();
let ajv: Ajv | undefined;

/** The compiled record validator of a dataset, with `allErrors` so one row reports every bad column. */
export function recordValidator(contract: DatasetContract): ValidateFunction {
  let validate = compiled.get(contract);
  if (validate === undefined) {
    // Record schemas are built here, not written by hand, and strict mode still refuses any
    // keyword or type they misuse; the meta-schema check would only cost its compilation.
    ajv ??= new Ajv({ allErrors: true, unicodeRegExp: true, validateSchema: false });
    validate = ajv.compile(recordSchema(contract));
    compiled.set(contract, validate);
  }
  return validate;
}
