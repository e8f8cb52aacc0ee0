import { DATASET_COLUMNS, type Dataset } from '../datasets.js';
import { InvalidOptionError } from '../errors.js';
import { DEFAULT_FUTURE_SKEW_MS } from '../rules/createdAtNotInFuture.js';
import { DEFAULT_SKU_PATTERN } from '../rules/skuMatchesPattern.js';
import type { FileIssue } from '../types.js';
import { DATASET_DEFINITIONS, type DatasetDefinition, type RowOf } from './datasetDefinitions.js';
import { RowValidator } from './RowValidator.js';

/** Options of {@link createRowValidator}. */
export interface RowValidatorOptions {
  /**
   * The injected clock, epoch ms: `created_at` may not be later than this plus `futureSkewMs`.
   * Usually the moment processing of the file started, so one file is judged against one instant.
   */
  readonly nowMs: number;
  /** Clock skew tolerated for `created_at`, ms. @defaultvalue 300000 (5 minutes) */
  readonly futureSkewMs?: number;
  /** Pattern every `sku` must match, without the `g` or `y` flag. @defaultvalue /^[A-Za-z]{3}-\d{8}$/ */
  readonly skuPattern?: RegExp | string;
}

/** Outcome of {@link createRowValidator}: a validator, or the header problems that reject the file. */
export type CreateRowValidatorResult<D extends Dataset> =
  | {
      readonly ok: true;
      readonly validator: RowValidator<RowOf<D>>;
      /** Extra columns (code EXTRA_COLUMNS), to report once per file; they reject nothing. */
      readonly notices: readonly FileIssue[];
    }
  | { readonly ok: false; readonly fileIssues: readonly FileIssue[] };

/**
 * Checks a file's header against the dataset and builds the validator for its rows.
 *
 * Columns are matched by name (trimmed; a UTF-8 BOM before the first one is ignored), never by
 * position. A missing required column or a repeated name rejects the file; columns the dataset
 * does not define are ignored and listed in one EXTRA_COLUMNS notice.
 *
 * @throws InvalidOptionError when an option is invalid (a configuration mistake, not a data problem)
 * @example
 * const built = createRowValidator('orders', header, { nowMs: startedAtMs });
 * if (!built.ok) return reject(built.fileIssues);
 * const result = built.validator.validate(fields, line);
 * if (result.ok) accept(result.row); else reject(result.issues);
 */
export function createRowValidator<D extends Dataset>(
  dataset: D,
  header: readonly string[],
  options: RowValidatorOptions,
): CreateRowValidatorResult<D> {
  const skuPattern = checkSkuPattern(options.skuPattern ?? DEFAULT_SKU_PATTERN);
  const futureSkewMs = options.futureSkewMs ?? DEFAULT_FUTURE_SKEW_MS;
  if (!Number.isFinite(options.nowMs)) throw new InvalidOptionError('nowMs', 'must be a finite number of ms');
  if (!(Number.isFinite(futureSkewMs) && futureSkewMs >= 0)) {
    throw new InvalidOptionError('futureSkewMs', 'must be a finite number >= 0');
  }

  const names = header.map((name, i) => (i === 0 ? name.replace(/^\uFEFF/, '') : name).trim());
  const { required, optional } = DATASET_COLUMNS[dataset];
  const known = new Set<string>([...required, ...optional]);
  const position = new Map<string, number>();
  const duplicates = new Set<string>();
  const extra: string[] = [];
  names.forEach((name, i) => {
    if (position.has(name)) duplicates.add(name);
    else position.set(name, i);
    if (!known.has(name) && !extra.includes(name)) extra.push(name);
  });
  const missing = required.filter((column) => !position.has(column));

  const fileIssues: FileIssue[] = [];
  if (missing.length > 0) {
    fileIssues.push({
      code: 'MISSING_REQUIRED_COLUMN',
      message: `header lacks required columns: ${missing.join(', ')}`,
      columns: missing,
    });
  }
  if (duplicates.size > 0) {
    fileIssues.push({
      code: 'DUPLICATE_COLUMN',
      message: `header repeats columns: ${[...duplicates].join(', ')}`,
      columns: [...duplicates],
    });
  }
  if (fileIssues.length > 0) return { ok: false, fileIssues };

  const definition = DATASET_DEFINITIONS[dataset] as DatasetDefinition<RowOf<D>>;
  const fieldIndex = Int32Array.from(definition.columns, (column) => position.get(column) ?? -1);
  const validator = new RowValidator(dataset, definition, fieldIndex, header.length, {
    skuPattern,
    latestCreatedAtMs: options.nowMs + futureSkewMs,
  });
  const notices: FileIssue[] =
    extra.length === 0
      ? []
      : [{ code: 'EXTRA_COLUMNS', message: `columns ignored: ${extra.join(', ')}`, columns: extra }];
  return { ok: true, validator, notices };
}

function checkSkuPattern(pattern: RegExp | string): RegExp {
  if (typeof pattern !== 'string') {
    if (pattern.global || pattern.sticky)
      throw new InvalidOptionError('skuPattern', 'must not have the g or y flag');
    return pattern;
  }
  try {
    return new RegExp(pattern);
  } catch (error) {
    throw new InvalidOptionError('skuPattern', 'not a valid regular expression', { cause: error });
  }
}
