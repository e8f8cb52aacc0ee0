import { Ajv, type SchemaObject, type ValidateFunction } from 'ajv';
import { DATASET_COLUMNS, type Dataset } from '../datasets.js';
import { ORDER_STATUSES } from '../types.js';
import { COLUMN_RULES, type ColumnKind } from './columnRules.js';

/** Up to 15 digits keeps every id below 2^53, so `Number()` is exact. */
const ID_PATTERN = '[1-9][0-9]{0,14}';
const COUNT_PATTERN = '[1-9][0-9]{0,8}';
/** Shape only; precision and range are checked on the cents, each with its own code. */
const MONEY_PATTERN = '-?[0-9]{1,13}(?:\\.[0-9]+)?';

const PATTERNS: Partial<Record<ColumnKind, string>> = {
  id: ID_PATTERN,
  count: COUNT_PATTERN,
  money: MONEY_PATTERN,
};

/**
 * JSON Schema of one raw record (column name → raw string) of a dataset. Only what a pattern or an
 * enum says cheaply lives here; timestamps are left to the hand-written parser, which is faster
 * than a pattern followed by a parse and also checks days per month.
 */
function recordSchema(dataset: Dataset): SchemaObject {
  const properties: Record<string, SchemaObject> = {};
  for (const [column, rule] of Object.entries(COLUMN_RULES[dataset])) {
    const pattern = PATTERNS[rule.kind];
    if (pattern !== undefined) {
      // An empty optional value means "absent", so the pattern also admits ''.
      properties[column] = {
        type: 'string',
        pattern: rule.valueRequired ? `^${pattern}$` : `^(?:${pattern})?$`,
      };
    } else if (rule.kind === 'status') {
      properties[column] = { type: 'string', enum: [...ORDER_STATUSES] };
    } else if (rule.kind === 'text') {
      properties[column] = { type: 'string', pattern: '\\S' };
    } else if (rule.valueRequired) {
      properties[column] = { type: 'string', minLength: 1 };
    } else {
      properties[column] = { type: 'string' };
    }
  }
  const { required, optional } = DATASET_COLUMNS[dataset];
  return { type: 'object', required: [...required, ...optional], properties };
}

// Compiled lazily, once per dataset per process: compiling costs milliseconds, validating
// microseconds. The functions are stateless between calls apart from `.errors`, which is read
// synchronously right after each call.
const compiled = new Map<Dataset, ValidateFunction>();
let ajv: Ajv | undefined;

/** The compiled record validator of a dataset, with `allErrors` so one row reports every bad column. */
export function recordValidator(dataset: Dataset): ValidateFunction {
  let validate = compiled.get(dataset);
  if (validate === undefined) {
    ajv ??= new Ajv({ allErrors: true });
    validate = ajv.compile(recordSchema(dataset));
    compiled.set(dataset, validate);
  }
  return validate;
}
