import {
  type ColumnSpec,
  type CompiledRule,
  type ContractSet,
  type DatasetContract,
  type NumericRange,
  type RelationshipSpec,
  rangeText,
} from '@storeflow/core';

/**
 * What a contract change can do to data the pipeline has already judged, worst first:
 * - `reclassifies`: rows or files judged under the old contract could get another verdict under
 *   the new one (a tightened or loosened check, a new or dropped rule, a renamed header, ...);
 * - `reports`: the verdicts stay, but what reports or silver say changes (a code renamed, a
 *   rule's wording, a logical column name, the contract id);
 * - `compatible`: nothing a file's judgement or its outputs show (a version bump, an optional
 *   column that checks nothing, the order columns are declared in).
 */
export const ChangeImpact = {
  RECLASSIFIES: 'reclassifies',
  REPORTS: 'reports',
  COMPATIBLE: 'compatible',
} as const;
export type ChangeImpact = (typeof ChangeImpact)[keyof typeof ChangeImpact];

/** The kinds of change {@link diffContractSets} finds; stable, for scripts reading `--json`. */
export const ChangeKind = {
  DATASET_ADDED: 'dataset-added',
  DATASET_REMOVED: 'dataset-removed',
  CONTRACT_ID: 'contract-id',
  CONTRACT_VERSION: 'contract-version',
  FOLDER_ADDED: 'folder-added',
  FOLDER_REMOVED: 'folder-removed',
  MAX_REJECTED_ROW_RATIO: 'max-rejected-row-ratio',
  KEY: 'key',
  COLUMN_ADDED: 'column-added',
  COLUMN_REMOVED: 'column-removed',
  COLUMN_RENAMED: 'column-renamed',
  COLUMN_ORDER: 'column-order',
  PHYSICAL_NAME: 'physical-name',
  COLUMN_KIND: 'column-kind',
  REQUIRED: 'required',
  RANGE: 'range',
  PATTERN: 'pattern',
  MIN_LENGTH: 'min-length',
  MAX_LENGTH: 'max-length',
  VALUES: 'values',
  CASE_INSENSITIVE: 'case-insensitive',
  INVALID_CODE: 'invalid-code',
  RULE_ADDED: 'rule-added',
  RULE_REMOVED: 'rule-removed',
  RULE_RENAMED: 'rule-renamed',
  RULE_EXPRESSION: 'rule-expression',
  RULE_COLUMN: 'rule-column',
  RULE_DESCRIPTION: 'rule-description',
  RELATIONSHIP_ADDED: 'relationship-added',
  RELATIONSHIP_REMOVED: 'relationship-removed',
  RELATIONSHIP_CODE: 'relationship-code',
} as const;
export type ChangeKind = (typeof ChangeKind)[keyof typeof ChangeKind];

/** A value before or after a change, as `--json` prints it (ranges of money columns in cents). */
export type ChangeValue = string | number | boolean | readonly string[] | NumericRange;

/** One difference between two contract sets, for one dataset. */
export interface ContractChange {
  readonly dataset: string;
  readonly kind: ChangeKind;
  /** What changed: `dataset`, `contract`, `column sku`, `rule COST_ABOVE_RETAIL_PRICE`, ... */
  readonly subject: string;
  /** The change in words, with its direction where there is one: `range tightened: >= 0 → > 0`. */
  readonly detail: string;
  readonly impact: ChangeImpact;
  /** Absent when there was nothing before (an addition) or nothing to compare. */
  readonly before?: ChangeValue;
  readonly after?: ChangeValue;
}

/** A contract whose compiled content changed while its `version` stayed the same. */
export interface UnbumpedVersion {
  readonly contractId: string;
  readonly version: string;
  /** Its datasets that changed. */
  readonly datasets: readonly string[];
}

type Direction = 'tightened' | 'loosened' | 'changed';

/**
 * Every difference between two compiled contract sets that matters to the pipeline, dataset by
 * dataset (the old set's order, then datasets only the new one has), each classified by what it
 * can do to data already judged ({@link ChangeImpact}). Only the compiled form is compared:
 * descriptions and comments that nothing reads are not changes. Columns are matched by logical
 * name (a removed and an added column with the same physical name are one renamed column), rules
 * by code (a removed and an added rule with the same expression are one renamed rule),
 * relationships by column and target. Rule expressions are compared as written, so reformatting
 * one counts as a change: the safe side.
 *
 * @example
 * const changes = diffContractSets(loadContractFiles(['old/']), loadContractFiles(['contracts/']));
 * const exitCode = changes.some((change) => change.impact === 'reclassifies') ? 2 : 0;
 */
export function diffContractSets(old: ContractSet, next: ContractSet): ContractChange[] {
  const changes: ContractChange[] = [];
  for (const [name, before] of old.datasets) {
    const after = next.datasets.get(name);
    if (after === undefined) {
      changes.push({
        dataset: name,
        kind: ChangeKind.DATASET_REMOVED,
        subject: 'dataset',
        detail: `removed: files under raw/${name}/ are no longer routed to it`,
        impact: ChangeImpact.RECLASSIFIES,
        before: before.contractId,
      });
    } else {
      changes.push(...diffDataset(before, after));
    }
  }
  for (const [name, after] of next.datasets) {
    if (old.datasets.has(name)) continue;
    changes.push({
      dataset: name,
      kind: ChangeKind.DATASET_ADDED,
      subject: 'dataset',
      detail: `added (${after.contractId}@${after.contractVersion}): files under raw/${name}/ are now validated against it`,
      impact: ChangeImpact.RECLASSIFIES,
      after: after.contractId,
    });
  }
  return changes;
}

/**
 * The contracts whose content changed (any change but the version itself) while their `version`
 * did not, so reports judged by the two contents would name the same contract version.
 */
export function unbumpedVersions(
  old: ContractSet,
  next: ContractSet,
  changes: readonly ContractChange[],
): UnbumpedVersion[] {
  const changed = new Map<string, Set<string>>();
  for (const change of changes) {
    if (change.kind === ChangeKind.CONTRACT_VERSION) continue;
    for (const set of [old, next]) {
      const contractId = set.datasets.get(change.dataset)?.contractId;
      if (contractId === undefined) continue;
      const datasets = changed.get(contractId) ?? new Set<string>();
      datasets.add(change.dataset);
      changed.set(contractId, datasets);
    }
  }
  const oldVersions = versionsById(old);
  const nextVersions = versionsById(next);
  const unbumped: UnbumpedVersion[] = [];
  for (const [contractId, datasets] of changed) {
    const version = oldVersions.get(contractId);
    if (version !== undefined && version === nextVersions.get(contractId))
      unbumped.push({ contractId, version, datasets: [...datasets] });
  }
  return unbumped;
}

function versionsById(set: ContractSet): Map<string, string> {
  const versions = new Map<string, string>();
  for (const contract of set.datasets.values()) versions.set(contract.contractId, contract.contractVersion);
  return versions;
}

function diffDataset(before: DatasetContract, after: DatasetContract): ContractChange[] {
  const dataset = after.dataset;
  const changes: ContractChange[] = [];
  const add = (change: Omit<ContractChange, 'dataset'>) => changes.push({ dataset, ...change });

  if (before.contractId !== after.contractId)
    add({
      kind: ChangeKind.CONTRACT_ID,
      subject: 'contract',
      detail: `id changed: ${before.contractId} → ${after.contractId} (reports record it)`,
      impact: ChangeImpact.REPORTS,
      before: before.contractId,
      after: after.contractId,
    });
  if (before.contractVersion !== after.contractVersion)
    add({
      kind: ChangeKind.CONTRACT_VERSION,
      subject: 'contract',
      detail: `version changed: ${before.contractVersion} → ${after.contractVersion}`,
      impact: ChangeImpact.COMPATIBLE,
      before: before.contractVersion,
      after: after.contractVersion,
    });

  for (const folder of after.folderAliases.filter((alias) => !before.folderAliases.includes(alias)))
    add({
      kind: ChangeKind.FOLDER_ADDED,
      subject: 'folders',
      detail: `raw/${folder}/ added: its files are now routed to ${dataset}`,
      impact: ChangeImpact.RECLASSIFIES,
      after: folder,
    });
  for (const folder of before.folderAliases.filter((alias) => !after.folderAliases.includes(alias)))
    add({
      kind: ChangeKind.FOLDER_REMOVED,
      subject: 'folders',
      detail: `raw/${folder}/ removed: its files are no longer routed to ${dataset}`,
      impact: ChangeImpact.RECLASSIFIES,
      before: folder,
    });

  if (before.maxRejectedRowRatio !== after.maxRejectedRowRatio) {
    const raised = after.maxRejectedRowRatio > before.maxRejectedRowRatio;
    add({
      kind: ChangeKind.MAX_REJECTED_ROW_RATIO,
      subject: 'rejected-row threshold',
      detail: `${raised ? 'raised (loosened)' : 'lowered (tightened)'}: ${before.maxRejectedRowRatio} → ${after.maxRejectedRowRatio}`,
      impact: ChangeImpact.RECLASSIFIES,
      before: before.maxRejectedRowRatio,
      after: after.maxRejectedRowRatio,
    });
  }

  const oldKey = before.columns[before.keyOrdinal]?.name;
  const newKey = after.columns[after.keyOrdinal]?.name;
  const pairs = pairColumns(before.columns, after.columns);
  const renamedTo = new Map(pairs.map(([from, to]) => [from.name, to.name]));
  if (oldKey !== undefined && newKey !== undefined && renamedTo.get(oldKey) !== newKey)
    add({
      kind: ChangeKind.KEY,
      subject: 'key',
      detail: `changed: ${oldKey} → ${newKey} (duplicate keys are found on another column)`,
      impact: ChangeImpact.RECLASSIFIES,
      before: oldKey,
      after: newKey,
    });

  for (const column of after.columns) {
    const pair = pairs.find(([, to]) => to === column);
    if (pair === undefined) add(columnAdded(column));
    else for (const change of diffColumn(pair[0], column)) add(change);
  }
  for (const column of before.columns)
    if (!pairs.some(([from]) => from === column)) add(columnRemoved(column));

  const oldOrder = pairs
    .map(([from, to]) => ({ from: before.columns.indexOf(from), name: to.name }))
    .sort((a, b) => a.from - b.from)
    .map(({ name }) => name);
  const newOrder = after.columns.map(({ name }) => name).filter((name) => oldOrder.includes(name));
  if (oldOrder.join() !== newOrder.join())
    add({
      kind: ChangeKind.COLUMN_ORDER,
      subject: 'column order',
      detail: 'changed (headers are matched by name, so files are read the same)',
      impact: ChangeImpact.COMPATIBLE,
      before: oldOrder,
      after: newOrder,
    });

  for (const change of diffRules(before.rules, after.rules)) add(change);
  for (const change of diffRelationships(before.relationships, after.relationships)) add(change);
  return changes;
}

/**
 * Old and new columns that are the same column: by logical name, then a removed and an added
 * column that read the same physical header (a logical rename).
 */
function pairColumns(
  before: readonly ColumnSpec[],
  after: readonly ColumnSpec[],
): [from: ColumnSpec, to: ColumnSpec][] {
  const pairs: [ColumnSpec, ColumnSpec][] = [];
  for (const to of after) {
    const from = before.find((column) => column.name === to.name);
    if (from !== undefined) pairs.push([from, to]);
  }
  for (const to of after) {
    if (pairs.some(([, paired]) => paired === to)) continue;
    const from = before.find(
      (column) =>
        column.physicalName === to.physicalName &&
        !pairs.some(([paired]) => paired === column) &&
        !after.some((other) => other.name === column.name),
    );
    if (from !== undefined) pairs.push([from, to]);
  }
  return pairs;
}

/** Whether a column can reject a non-empty value: anything but a string without pattern or length. */
export function checksValues(column: ColumnSpec): boolean {
  return (
    column.kind !== 'string' ||
    column.pattern !== undefined ||
    column.minLength !== undefined ||
    column.maxLength !== undefined
  );
}

/** How a column must be present: `required` (header and value), `header required`, or `optional`. */
export function columnRequirement(column: ColumnSpec): 'required' | 'header required' | 'optional' {
  if (column.valueRequired) return 'required';
  return column.headerRequired ? 'header required' : 'optional';
}

function columnAdded(column: ColumnSpec): Omit<ContractChange, 'dataset'> {
  const base = {
    kind: ChangeKind.COLUMN_ADDED,
    subject: `column ${column.name}`,
    after: describeColumn(column),
  };
  if (column.headerRequired)
    return {
      ...base,
      detail: `added, ${columnRequirement(column)}: files without a ${column.physicalName} header are now rejected`,
      impact: ChangeImpact.RECLASSIFIES,
    };
  if (checksValues(column))
    return {
      ...base,
      detail: `added, optional ${column.kind}: files that carried ${column.physicalName} as an extra column now have its values checked`,
      impact: ChangeImpact.RECLASSIFIES,
    };
  return { ...base, detail: 'added, optional, values unchecked', impact: ChangeImpact.COMPATIBLE };
}

function columnRemoved(column: ColumnSpec): Omit<ContractChange, 'dataset'> {
  const base = {
    kind: ChangeKind.COLUMN_REMOVED,
    subject: `column ${column.name}`,
    before: describeColumn(column),
  };
  if (column.headerRequired)
    return {
      ...base,
      detail: `removed, was ${columnRequirement(column)}: files without a ${column.physicalName} header are no longer rejected`,
      impact: ChangeImpact.RECLASSIFIES,
    };
  if (checksValues(column))
    return {
      ...base,
      detail: `removed, was an optional ${column.kind}: its values are no longer checked (kept as an extra column)`,
      impact: ChangeImpact.RECLASSIFIES,
    };
  return {
    ...base,
    detail: 'removed, was optional and unchecked: silver no longer has it (kept as an extra column)',
    impact: ChangeImpact.REPORTS,
  };
}

/** A column in one line, for `before`/`after` of an added or removed column. */
function describeColumn(column: ColumnSpec): string {
  const physical = column.physicalName === column.name ? '' : ` (${column.physicalName})`;
  return `${column.name}${physical}: ${column.kind}, ${columnRequirement(column)}`;
}

function diffColumn(before: ColumnSpec, after: ColumnSpec): Omit<ContractChange, 'dataset'>[] {
  const subject = `column ${after.name}`;
  const changes: Omit<ContractChange, 'dataset'>[] = [];
  const reclassifies = (kind: ChangeKind, detail: string, from?: ChangeValue, to?: ChangeValue) =>
    changes.push({
      kind,
      subject,
      detail,
      impact: ChangeImpact.RECLASSIFIES,
      ...(from === undefined ? {} : { before: from }),
      ...(to === undefined ? {} : { after: to }),
    });

  if (before.name !== after.name)
    changes.push({
      kind: ChangeKind.COLUMN_RENAMED,
      subject,
      detail: `renamed from ${before.name} (same header ${after.physicalName}): silver, rules and reports use the new name`,
      impact: ChangeImpact.REPORTS,
      before: before.name,
      after: after.name,
    });
  if (before.physicalName !== after.physicalName)
    reclassifies(
      ChangeKind.PHYSICAL_NAME,
      `physical name changed: ${before.physicalName} → ${after.physicalName} (files with the old header no longer match)`,
      before.physicalName,
      after.physicalName,
    );
  if (before.kind !== after.kind)
    reclassifies(
      ChangeKind.COLUMN_KIND,
      `kind changed: ${before.kind} → ${after.kind}`,
      before.kind,
      after.kind,
    );

  const oldRequirement = columnRequirement(before);
  const newRequirement = columnRequirement(after);
  if (oldRequirement !== newRequirement) {
    const strictness = ['optional', 'header required', 'required'];
    const tighter = strictness.indexOf(newRequirement) > strictness.indexOf(oldRequirement);
    reclassifies(
      ChangeKind.REQUIRED,
      `${tighter ? 'made stricter' : 'relaxed'}: ${oldRequirement} → ${newRequirement}`,
      oldRequirement,
      newRequirement,
    );
  }

  if (!sameRange(before.range, after.range)) {
    const money = after.kind === 'money';
    // Bounds of different kinds (cents against units) do not compare.
    const direction =
      before.kind === after.kind
        ? directionOf([
            compareBound(lowerBound(before.range), lowerBound(after.range), 1),
            compareBound(upperBound(before.range), upperBound(after.range), -1),
          ])
        : 'changed';
    reclassifies(
      ChangeKind.RANGE,
      `range ${direction}: ${rangeText(before.range, before.kind === 'money') || 'any'} → ${rangeText(after.range, money) || 'any'}`,
      before.range,
      after.range,
    );
  }
  if (before.pattern !== after.pattern)
    reclassifies(
      ChangeKind.PATTERN,
      `pattern ${before.pattern === undefined ? 'added' : after.pattern === undefined ? 'removed' : 'changed'}: ${before.pattern ?? 'none'} → ${after.pattern ?? 'none'}`,
      before.pattern,
      after.pattern,
    );
  if (before.minLength !== after.minLength) {
    const tighter = (after.minLength ?? 0) > (before.minLength ?? 0);
    reclassifies(
      ChangeKind.MIN_LENGTH,
      `minimum length ${tighter ? 'tightened' : 'loosened'}: ${before.minLength ?? 'none'} → ${after.minLength ?? 'none'}`,
      before.minLength,
      after.minLength,
    );
  }
  if (before.maxLength !== after.maxLength) {
    const tighter =
      (after.maxLength ?? Number.POSITIVE_INFINITY) < (before.maxLength ?? Number.POSITIVE_INFINITY);
    reclassifies(
      ChangeKind.MAX_LENGTH,
      `maximum length ${tighter ? 'tightened' : 'loosened'}: ${before.maxLength ?? 'none'} → ${after.maxLength ?? 'none'}`,
      before.maxLength,
      after.maxLength,
    );
  }
  const oldValues = before.values ?? [];
  const newValues = after.values ?? [];
  const removedValues = oldValues.filter((value) => !newValues.includes(value));
  const addedValues = newValues.filter((value) => !oldValues.includes(value));
  if (removedValues.length > 0 || addedValues.length > 0) {
    const direction = directionOf([removedValues.length > 0 ? 1 : 0, addedValues.length > 0 ? -1 : 0]);
    const parts = [
      ...(removedValues.length > 0 ? [`removed ${removedValues.join(', ')}`] : []),
      ...(addedValues.length > 0 ? [`added ${addedValues.join(', ')}`] : []),
    ];
    reclassifies(ChangeKind.VALUES, `allowed values ${direction}: ${parts.join('; ')}`, oldValues, newValues);
  }
  if (before.caseInsensitive !== after.caseInsensitive)
    reclassifies(
      ChangeKind.CASE_INSENSITIVE,
      after.caseInsensitive
        ? 'values now compared ignoring case (loosened)'
        : 'values now compared case-sensitively (tightened)',
      before.caseInsensitive,
      after.caseInsensitive,
    );
  if (before.invalidCode !== after.invalidCode)
    changes.push({
      kind: ChangeKind.INVALID_CODE,
      subject,
      detail: `invalid code renamed: ${before.invalidCode} → ${after.invalidCode}`,
      impact: ChangeImpact.REPORTS,
      before: before.invalidCode,
      after: after.invalidCode,
    });
  return changes;
}

type Bound = { readonly value: number; readonly exclusive: boolean } | undefined;

function sameRange(a: NumericRange, b: NumericRange): boolean {
  return (
    a.minimum === b.minimum &&
    a.exclusiveMinimum === b.exclusiveMinimum &&
    a.maximum === b.maximum &&
    a.exclusiveMaximum === b.exclusiveMaximum
  );
}

/** The stricter of `minimum` and `exclusiveMinimum`, or undefined when there is no lower bound. */
function lowerBound(range: NumericRange): Bound {
  const { minimum, exclusiveMinimum } = range;
  if (exclusiveMinimum !== undefined && (minimum === undefined || exclusiveMinimum >= minimum))
    return { value: exclusiveMinimum, exclusive: true };
  return minimum === undefined ? undefined : { value: minimum, exclusive: false };
}

/** The stricter of `maximum` and `exclusiveMaximum`, or undefined when there is no upper bound. */
function upperBound(range: NumericRange): Bound {
  const { maximum, exclusiveMaximum } = range;
  if (exclusiveMaximum !== undefined && (maximum === undefined || exclusiveMaximum <= maximum))
    return { value: exclusiveMaximum, exclusive: true };
  return maximum === undefined ? undefined : { value: maximum, exclusive: false };
}

/**
 * 1 when the new bound admits less than the old one, -1 when more, 0 when the same. `sign` is 1
 * for a lower bound (higher is stricter) and -1 for an upper bound (lower is stricter).
 */
function compareBound(before: Bound, after: Bound, sign: 1 | -1): number {
  if (before === undefined || after === undefined) {
    if (before === after) return 0;
    return after === undefined ? -1 : 1;
  }
  if (before.value !== after.value) return Math.sign(after.value - before.value) * sign;
  if (before.exclusive === after.exclusive) return 0;
  return after.exclusive ? 1 : -1;
}

/** Stricter on every side that moved (1), looser (-1), or some of each. */
function directionOf(signs: readonly number[]): Direction {
  if (signs.every((sign) => sign >= 0) && signs.some((sign) => sign > 0)) return 'tightened';
  if (signs.every((sign) => sign <= 0) && signs.some((sign) => sign < 0)) return 'loosened';
  return 'changed';
}

function diffRules(
  before: readonly CompiledRule[],
  after: readonly CompiledRule[],
): Omit<ContractChange, 'dataset'>[] {
  const changes: Omit<ContractChange, 'dataset'>[] = [];
  const removed = before.filter((rule) => !after.some((other) => other.code === rule.code));
  const added = after.filter((rule) => !before.some((other) => other.code === rule.code));
  const pairs: [CompiledRule, CompiledRule][] = [];
  for (const rule of after) {
    const same = before.find((other) => other.code === rule.code);
    if (same !== undefined) pairs.push([same, rule]);
  }
  for (const rule of [...added]) {
    const renamed = removed.find((other) => other.expression.trim() === rule.expression.trim());
    if (renamed === undefined) continue;
    removed.splice(removed.indexOf(renamed), 1);
    added.splice(added.indexOf(rule), 1);
    changes.push({
      kind: ChangeKind.RULE_RENAMED,
      subject: `rule ${rule.code}`,
      detail: `code renamed from ${renamed.code} (same expression ${rule.expression})`,
      impact: ChangeImpact.REPORTS,
      before: renamed.code,
      after: rule.code,
    });
    pairs.push([renamed, rule]);
  }
  for (const [from, to] of pairs) {
    const subject = `rule ${to.code}`;
    if (from.expression.trim() !== to.expression.trim())
      changes.push({
        kind: ChangeKind.RULE_EXPRESSION,
        subject,
        detail: `expression changed: ${from.expression} → ${to.expression}`,
        impact: ChangeImpact.RECLASSIFIES,
        before: from.expression,
        after: to.expression,
      });
    if (from.column !== to.column)
      changes.push({
        kind: ChangeKind.RULE_COLUMN,
        subject,
        detail: `reported against another column: ${from.column} → ${to.column}`,
        impact: ChangeImpact.REPORTS,
        before: from.column,
        after: to.column,
      });
    if (from.rule !== to.rule)
      changes.push({
        kind: ChangeKind.RULE_DESCRIPTION,
        subject,
        detail: `wording in reports changed: ${from.rule} → ${to.rule}`,
        impact: ChangeImpact.REPORTS,
        before: from.rule,
        after: to.rule,
      });
  }
  for (const rule of added)
    changes.push({
      kind: ChangeKind.RULE_ADDED,
      subject: `rule ${rule.code}`,
      detail: `added: ${rule.expression} (rows that break it are now rejected)`,
      impact: ChangeImpact.RECLASSIFIES,
      after: rule.expression,
    });
  for (const rule of removed)
    changes.push({
      kind: ChangeKind.RULE_REMOVED,
      subject: `rule ${rule.code}`,
      detail: `removed: ${rule.expression} (rows rejected only by it now pass)`,
      impact: ChangeImpact.RECLASSIFIES,
      before: rule.expression,
    });
  return changes;
}

function relationshipName(spec: RelationshipSpec): string {
  return `${spec.column} → ${spec.toDataset}.${spec.toColumn}`;
}

function diffRelationships(
  before: readonly RelationshipSpec[],
  after: readonly RelationshipSpec[],
): Omit<ContractChange, 'dataset'>[] {
  const changes: Omit<ContractChange, 'dataset'>[] = [];
  for (const spec of after) {
    const name = relationshipName(spec);
    const old = before.find((other) => relationshipName(other) === name);
    if (old === undefined)
      changes.push({
        kind: ChangeKind.RELATIONSHIP_ADDED,
        subject: `relationship ${name}`,
        detail: `added (${spec.code}): rows whose ${spec.column} does not resolve are now rejected`,
        impact: ChangeImpact.RECLASSIFIES,
        after: spec.code,
      });
    else if (old.code !== spec.code)
      changes.push({
        kind: ChangeKind.RELATIONSHIP_CODE,
        subject: `relationship ${name}`,
        detail: `code renamed: ${old.code} → ${spec.code}`,
        impact: ChangeImpact.REPORTS,
        before: old.code,
        after: spec.code,
      });
  }
  for (const spec of before) {
    const name = relationshipName(spec);
    if (after.some((other) => relationshipName(other) === name)) continue;
    changes.push({
      kind: ChangeKind.RELATIONSHIP_REMOVED,
      subject: `relationship ${name}`,
      detail: `removed (${spec.code}): ${spec.column} is no longer resolved`,
      impact: ChangeImpact.RECLASSIFIES,
      before: spec.code,
    });
  }
  return changes;
}
