import type { DatasetContract } from '../contracts/types.js';
import { InvalidOptionError } from '../errors.js';
import type { FileIssue } from '../types.js';
import { RowValidator } from './RowValidator.js';
import { type RowAssembler, rowAssemblerFor, type ValidatedRow } from './rowAssemblers.js';

/** Clock skew tolerated for `created_at` (the `now` of the contract rules) by default: 5 minutes. */
export const DEFAULT_FUTURE_SKEW_MS = 5 * 60_000;

/** Options of {@link createRowValidator}. */
export interface RowValidatorOptions {
  /**
   * The injected clock, epoch ms: the rules' `now` is this plus `futureSkewMs`. Usually the
   * moment processing of the file started, so one file is judged against one instant.
   */
  readonly nowMs: number;
  /** Clock skew tolerated by rules that compare with `now`, ms. @defaultvalue 300000 (5 minutes) */
  readonly futureSkewMs?: number;
}

/** Outcome of {@link createRowValidator}: a validator, or the header problems that reject the file. */
export type CreateRowValidatorResult<R> =
  | {
      readonly ok: true;
      readonly validator: RowValidator<R>;
      /** Extra columns (code EXTRA_COLUMNS), to report once per file; they reject nothing. */
      readonly notices: readonly FileIssue[];
    }
  | { readonly ok: false; readonly fileIssues: readonly FileIssue[] };

/**
 * Checks a file's header against a dataset's contract and builds the validator for its rows.
 *
 * Columns are matched by their physical name (trimmed; a UTF-8 BOM before the first one is
 * ignored), never by position. A missing required column or a repeated name rejects the file;
 * columns the contract does not define are kept with each accepted row (`extra`) and listed in
 * one EXTRA_COLUMNS notice.
 *
 * @throws InvalidOptionError when an option is invalid (a configuration mistake, not a data problem)
 * @example
 * const built = createRowValidator(contracts.datasets.get('orders'), header, { nowMs: startedAtMs });
 * if (!built.ok) return reject(built.fileIssues);
 * const result = built.validator.validate(fields, line);
 * if (result.ok) accept(result.row); else reject(result.issues);
 */
export function createRowValidator<R = ValidatedRow>(
  contract: DatasetContract,
  header: readonly string[],
  options: RowValidatorOptions,
): CreateRowValidatorResult<R> {
  const futureSkewMs = options.futureSkewMs ?? DEFAULT_FUTURE_SKEW_MS;
  if (!Number.isFinite(options.nowMs)) throw new InvalidOptionError('nowMs', 'must be a finite number of ms');
  if (!(Number.isFinite(futureSkewMs) && futureSkewMs >= 0)) {
    throw new InvalidOptionError('futureSkewMs', 'must be a finite number >= 0');
  }

  const names = header.map((name, i) => (i === 0 ? name.replace(/^\uFEFF/, '') : name).trim());
  const known = new Set(contract.columns.map((column) => column.physicalName));
  const position = new Map<string, number>();
  const duplicates = new Set<string>();
  const extraFields: { index: number; name: string }[] = [];
  names.forEach((name, index) => {
    if (position.has(name)) duplicates.add(name);
    else {
      position.set(name, index);
      if (!known.has(name)) extraFields.push({ index, name });
    }
  });
  const missing = contract.columns
    .filter((column) => column.headerRequired && !position.has(column.physicalName))
    .map((column) => column.physicalName);

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

  const fieldIndex = Int32Array.from(contract.columns, (column) => position.get(column.physicalName) ?? -1);
  const validator = new RowValidator<R>(
    contract,
    { fieldIndex, fieldCount: header.length, extraFields },
    rowAssemblerFor(contract) as RowAssembler<R>,
    options.nowMs + futureSkewMs,
  );
  const extra = extraFields.map(({ name }) => name);
  const notices: FileIssue[] =
    extra.length === 0
      ? []
      : [{ code: 'EXTRA_COLUMNS', message: `columns kept under extra: ${extra.join(', ')}`, columns: extra }];
  return { ok: true, validator, notices };
}
