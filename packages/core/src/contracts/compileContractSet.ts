import { Ajv, type ErrorObject } from 'ajv';
import { LineCounter, parseDocument } from 'yaml';
import { ISSUE_CODES } from '../issueCodes.js';
import { parseCents } from '../money.js';
import { DEFAULT_MAX_REJECTED_ROW_RATIO } from '../verdict.js';
import { DECLARED_CODE_PATTERN, ODCS_SUBSET_SCHEMA } from './odcsSubsetSchema.js';
import { PIPELINE_DATASETS } from './pipelineDatasets.js';
import { compileRuleExpression, RuleExpressionError } from './ruleExpression.js';
import type {
  ColumnKind,
  ColumnSpec,
  CompiledRule,
  ContractProblem,
  ContractProblemCode,
  ContractSet,
  DatasetContract,
  DeclaredCode,
  NumericRange,
  RelationshipSpec,
} from './types.js';

/** One contract document as read: where it came from and its YAML (or JSON) text. */
export interface ContractSource {
  readonly source: string;
  readonly text: string;
}

/** Outcome of {@link compileContractSet}: the compiled set, or every problem found. */
export type ContractSetResult =
  | { readonly ok: true; readonly contracts: ContractSet }
  | { readonly ok: false; readonly problems: readonly ContractProblem[] };

// The shapes below are what ODCS_SUBSET_SCHEMA has already checked.
interface CustomProperty {
  readonly property: string;
  readonly value: unknown;
}
interface QualityRule {
  readonly type?: 'library' | 'custom' | 'sql' | 'text';
  readonly name?: string;
  readonly description?: string;
  readonly metric?: string;
  readonly rule?: string;
  readonly arguments?: Record<string, unknown>;
  readonly engine?: string;
  readonly implementation?: unknown;
  readonly mustBe?: unknown;
  readonly customProperties?: readonly CustomProperty[];
}
interface Relationship {
  readonly to: string;
  readonly from?: string;
  readonly description?: string;
  readonly customProperties?: readonly CustomProperty[];
}
interface Property {
  readonly name: string;
  readonly physicalName?: string;
  readonly logicalType: 'string' | 'integer' | 'number' | 'date' | 'timestamp';
  readonly required?: boolean;
  readonly unique?: boolean;
  readonly primaryKey?: boolean;
  readonly description?: string;
  readonly logicalTypeOptions?: {
    readonly minimum?: number;
    readonly maximum?: number;
    readonly exclusiveMinimum?: number;
    readonly exclusiveMaximum?: number;
    readonly multipleOf?: number;
    readonly pattern?: string;
    readonly minLength?: number;
    readonly maxLength?: number;
  };
  readonly quality?: readonly QualityRule[];
  readonly relationships?: readonly Relationship[];
  readonly customProperties?: readonly CustomProperty[];
}
interface SchemaObject {
  readonly name: string;
  readonly physicalName?: string;
  readonly properties: readonly Property[];
  readonly quality?: readonly QualityRule[];
  readonly relationships?: readonly Relationship[];
  readonly customProperties?: readonly CustomProperty[];
}
interface Contract {
  readonly id: string;
  readonly version: string;
  readonly schema: readonly SchemaObject[];
}

/**
 * Most columns of a dataset: the validator tracks a row's failed columns, and the columns each
 * rule reads, as bits of one 32-bit integer, which keeps the per-row work to a mask test.
 */
const MAX_COLUMNS = 31;
/** Most digits of an integer: 15 keeps every value below 2^53, so exact in a double. */
const MAX_INTEGER_DIGITS = 15;

let validateDocument: ReturnType<Ajv['compile']> | undefined;

/** Collects problems against one source. */
class Problems {
  readonly list: ContractProblem[] = [];
  add(code: ContractProblemCode, source: string, path: string, message: string): void {
    this.list.push({ code, source, path, message });
  }
}

/**
 * Reads, checks and compiles a set of ODCS contracts, one dataset per `schema[]` object: the YAML,
 * the ODCS subset schema, then StoreFlow's own checks (types and options, keys, codes, rule
 * expressions, relationships to known columns, and the columns the pipeline's own datasets need
 * for references and KPIs). Every problem of every document is reported at once; a set with any
 * problem is refused whole, so a bad contract never reaches a worker.
 *
 * @example
 * const result = compileContractSet([{ source: 'contracts/orders.odcs.yaml', text }]);
 * if (!result.ok) throw new ContractInvalidError(result.problems);
 * const orders = result.contracts.datasets.get('orders');
 */
export function compileContractSet(sources: readonly ContractSource[]): ContractSetResult {
  const problems = new Problems();
  const datasets = new Map<string, DatasetContract>();
  /** The source each dataset was read from, so later problems name the file, not the contract id. */
  const sourceOf = new Map<string, string>();
  const relationshipsToCheck: { source: string; path: string; dataset: string; spec: RelationshipSpec }[] =
    [];
  // Datasets of a document that could not be read, or that failed to compile, are not also
  // reported missing or unknown: one mistake, one problem.
  let incomplete = false;
  for (const { source, text } of sources) {
    const contract = readDocument(source, text, problems);
    if (contract === undefined) {
      incomplete = true;
      continue;
    }
    contract.schema.forEach((schemaObject, index) => {
      const path = `schema[${index}]`;
      const compiled = compileDataset(contract, schemaObject, source, path, problems);
      if (compiled === undefined) {
        incomplete = true;
        return;
      }
      if (datasets.has(compiled.dataset)) {
        problems.add(
          'DUPLICATE_DATASET',
          source,
          `${path}.name`,
          `dataset '${compiled.dataset}' is defined twice`,
        );
        return;
      }
      datasets.set(compiled.dataset, compiled);
      sourceOf.set(compiled.dataset, source);
      for (const spec of compiled.relationships)
        relationshipsToCheck.push({ source, path, dataset: compiled.dataset, spec });
    });
  }
  for (const { source, path, dataset, spec } of relationshipsToCheck) {
    const target = datasets.get(spec.toDataset);
    if (target === undefined) {
      if (incomplete) continue;
      problems.add(
        'RELATIONSHIP_INVALID',
        source,
        path,
        `${dataset}.${spec.column} refers to unknown dataset '${spec.toDataset}'`,
      );
    } else if (!target.columns.some((column) => column.name === spec.toColumn)) {
      problems.add(
        'RELATIONSHIP_INVALID',
        source,
        path,
        `${dataset}.${spec.column} refers to unknown column '${spec.toDataset}.${spec.toColumn}'`,
      );
    }
  }
  checkPipelineDatasets(datasets, sourceOf, sources, problems, incomplete);
  const folders = new Map<string, string>();
  for (const contract of datasets.values()) {
    for (const folder of [contract.dataset, ...contract.folderAliases]) {
      const owner = folders.get(folder);
      if (owner !== undefined && owner !== contract.dataset)
        problems.add(
          'DUPLICATE_DATASET',
          sourceOf.get(contract.dataset) ?? contract.contractId,
          'folderAliases',
          `folder '${folder}' routes to both ${owner} and ${contract.dataset}`,
        );
      folders.set(folder, contract.dataset);
    }
  }
  if (problems.list.length > 0) return { ok: false, problems: problems.list };
  return { ok: true, contracts: { datasets, sources: sources.map(({ source }) => source) } };
}

function readDocument(source: string, text: string, problems: Problems): Contract | undefined {
  // Without prettyErrors an error has no linePos, so the line counter locates it from its offset.
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter });
  if (document.errors.length > 0) {
    for (const error of document.errors) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      problems.add(
        'YAML_INVALID',
        source,
        `line ${line}, column ${col}`,
        error.message.split('\n')[0] ?? error.message,
      );
    }
    return undefined;
  }
  const value: unknown = document.toJS();
  // The schema is a constant, checked against the JSON Schema meta-schema by a unit test: checking
  // it again at every start compiled the meta-schema too, most of the cost of loading contracts.
  validateDocument ??= new Ajv({ allErrors: true, strict: false, validateSchema: false }).compile(
    ODCS_SUBSET_SCHEMA,
  );
  if (!validateDocument(value)) {
    for (const error of validateDocument.errors ?? [])
      problems.add('ODCS_SCHEMA', source, jsonPath(error), schemaMessage(error));
    return undefined;
  }
  return value as unknown as Contract;
}

function jsonPath(error: ErrorObject): string {
  const parts = error.instancePath.split('/').slice(1);
  let path = '';
  for (const part of parts) path += /^\d+$/.test(part) ? `[${part}]` : path === '' ? part : `.${part}`;
  return path === '' ? '(document)' : path;
}

function schemaMessage(error: ErrorObject): string {
  if (error.keyword === 'enum')
    return `${error.message}: ${(error.params.allowedValues as unknown[]).join(', ')}`;
  if (error.keyword === 'const') return `must be ${String(error.params.allowedValue)}`;
  return error.message ?? error.keyword;
}

function customProperty(list: readonly CustomProperty[] | undefined, name: string): unknown {
  return list?.find((entry) => entry.property === name)?.value;
}

function compileDataset(
  contract: Contract,
  schemaObject: SchemaObject,
  source: string,
  path: string,
  problems: Problems,
): DatasetContract | undefined {
  const before = problems.list.length;
  const dataset = schemaObject.name;
  const columns: ColumnSpec[] = [];
  const codes: DeclaredCode[] = [];
  const seenNames = new Set<string>();
  const seenPhysical = new Set<string>();
  schemaObject.properties.forEach((property, index) => {
    const at = `${path}.properties[${index}]`;
    const physicalName = property.physicalName ?? property.name;
    if (seenNames.has(property.name) || seenPhysical.has(physicalName))
      problems.add(
        'DUPLICATE_COLUMN',
        source,
        at,
        `column '${property.name}' (${physicalName}) is declared twice`,
      );
    seenNames.add(property.name);
    seenPhysical.add(physicalName);
    const column = compileColumn(property, physicalName, source, at, problems);
    if (column !== undefined) {
      columns.push(column);
      if (!(column.invalidCode in ISSUE_CODES))
        codes.push({
          code: column.invalidCode,
          kind: 'schema',
          description: `${column.name} ${column.invalidRule}`,
        });
    }
  });

  if (schemaObject.properties.length > MAX_COLUMNS)
    problems.add(
      'TOO_MANY_COLUMNS',
      source,
      `${path}.properties`,
      `a dataset has at most ${MAX_COLUMNS} columns, found ${schemaObject.properties.length}`,
    );
  const keys = schemaObject.properties.filter(
    (property) => property.primaryKey === true || property.unique === true,
  );
  if (keys.length !== 1) {
    problems.add(
      'KEY_INVALID',
      source,
      path,
      `a dataset needs exactly one column with primaryKey or unique, found ${keys.length}`,
    );
  } else if (keys[0]?.required !== true) {
    problems.add('KEY_INVALID', source, path, `key column '${keys[0]?.name}' must be required`);
  }
  const keyOrdinal = columns.findIndex((column) => column.name === keys[0]?.name);

  const rules: CompiledRule[] = [];
  const ruleCodes = new Set<string>();
  (schemaObject.quality ?? []).forEach((quality, index) => {
    const at = `${path}.quality[${index}]`;
    const rule = compileRule(quality, columns, source, at, problems);
    if (rule === undefined) return;
    if (ruleCodes.has(rule.code))
      problems.add(
        'DUPLICATE_RULE_CODE',
        source,
        at,
        `code ${rule.code} is used by another rule of ${dataset}`,
      );
    ruleCodes.add(rule.code);
    rules.push(rule);
    if (!(rule.code in ISSUE_CODES))
      codes.push({ code: rule.code, kind: 'business', description: rule.rule });
  });

  const relationships: RelationshipSpec[] = [];
  schemaObject.properties.forEach((property, index) => {
    (property.relationships ?? []).forEach((relationship, r) => {
      const at = `${path}.properties[${index}].relationships[${r}]`;
      const [toDataset, toColumn] = relationship.to.split('.') as [string, string];
      const code = customProperty(relationship.customProperties, 'code');
      if (typeof code !== 'string' || !DECLARED_CODE_PATTERN.test(code)) {
        problems.add(
          'CODE_INVALID',
          source,
          at,
          'a relationship needs a code (customProperties: code, UPPER_SNAKE_CASE)',
        );
        return;
      }
      if (ruleCodes.has(code))
        problems.add('DUPLICATE_RULE_CODE', source, at, `code ${code} is used by another rule of ${dataset}`);
      ruleCodes.add(code);
      relationships.push({ column: property.name, toDataset, toColumn, code });
    });
  });
  if ((schemaObject.relationships ?? []).length > 0)
    problems.add(
      'RELATIONSHIP_INVALID',
      source,
      `${path}.relationships`,
      'declare foreign keys on the property that holds them (properties[].relationships)',
    );

  const ratio =
    customProperty(schemaObject.customProperties, 'maxRejectedRowRatio') ?? DEFAULT_MAX_REJECTED_ROW_RATIO;
  if (typeof ratio !== 'number' || !(ratio >= 0 && ratio <= 1))
    problems.add(
      'TYPE_OPTIONS_INVALID',
      source,
      `${path}.customProperties`,
      'maxRejectedRowRatio must be a number from 0 to 1',
    );
  const aliases = customProperty(schemaObject.customProperties, 'folderAliases') ?? [];
  if (
    !(
      Array.isArray(aliases) &&
      aliases.every((alias) => typeof alias === 'string' && /^[A-Za-z0-9_.-]+$/.test(alias))
    )
  )
    problems.add(
      'TYPE_OPTIONS_INVALID',
      source,
      `${path}.customProperties`,
      'folderAliases must be a list of folder names',
    );

  if (problems.list.length > before) return undefined;
  return {
    dataset,
    folderAliases: (aliases as string[]).map((alias) => alias.toLowerCase()),
    contractId: contract.id,
    contractVersion: contract.version,
    columns,
    keyOrdinal,
    rules,
    relationships,
    maxRejectedRowRatio: ratio as number,
    codes,
  };
}

function compileColumn(
  property: Property,
  physicalName: string,
  source: string,
  at: string,
  problems: Problems,
): ColumnSpec | undefined {
  const options = property.logicalTypeOptions ?? {};
  const custom = property.customProperties;
  let kind: ColumnKind;
  let values: string[] | undefined;
  let valueRequired = property.required === true;
  const caseInsensitive = customProperty(custom, 'caseInsensitive') === true;
  for (const [q, quality] of (property.quality ?? []).entries()) {
    const metric = quality.metric ?? quality.rule;
    if (quality.type === 'text') continue;
    if (quality.type === 'library' || (quality.type === undefined && metric !== undefined)) {
      if (
        metric === 'invalidValues' &&
        quality.mustBe === 0 &&
        Array.isArray(quality.arguments?.validValues)
      ) {
        values = (quality.arguments.validValues as unknown[]).map((value) => String(value));
        if (caseInsensitive) values = values.map((value) => value.toLowerCase());
        continue;
      }
      if ((metric === 'nullValues' || metric === 'missingValues') && quality.mustBe === 0) {
        valueRequired = true;
        continue;
      }
    }
    problems.add(
      'UNSUPPORTED_RULE',
      source,
      `${at}.quality[${q}]`,
      `${describeRule(quality)} is not supported on a column; supported: invalidValues with validValues and mustBe 0, nullValues with mustBe 0, text`,
    );
  }
  switch (property.logicalType) {
    case 'integer':
      kind = 'integer';
      break;
    case 'number':
      if (options.multipleOf === undefined) kind = 'decimal';
      else if (options.multipleOf === 0.01) kind = 'money';
      else {
        problems.add(
          'TYPE_OPTIONS_INVALID',
          source,
          `${at}.logicalTypeOptions.multipleOf`,
          'only 0.01 (money, kept in exact cents) is supported',
        );
        return undefined;
      }
      break;
    case 'date':
    case 'timestamp':
      kind = 'timestamp';
      break;
    default:
      kind = values === undefined ? 'string' : 'enum';
  }
  if (values !== undefined && kind !== 'enum') {
    problems.add('TYPE_OPTIONS_INVALID', source, at, 'validValues apply to string columns only');
    return undefined;
  }
  const numeric = kind === 'integer' || kind === 'decimal' || kind === 'money';
  const stringOptions =
    options.pattern !== undefined || options.minLength !== undefined || options.maxLength !== undefined;
  const rangeOptions = [
    options.minimum,
    options.maximum,
    options.exclusiveMinimum,
    options.exclusiveMaximum,
  ].some((value) => value !== undefined);
  if ((numeric && stringOptions) || (!numeric && rangeOptions) || (kind !== 'string' && stringOptions)) {
    problems.add(
      'TYPE_OPTIONS_INVALID',
      source,
      `${at}.logicalTypeOptions`,
      `options do not fit a ${property.logicalType} column`,
    );
    return undefined;
  }
  if (options.pattern !== undefined) {
    try {
      new RegExp(options.pattern, 'u');
    } catch {
      problems.add(
        'PATTERN_INVALID',
        source,
        `${at}.logicalTypeOptions.pattern`,
        `'${options.pattern}' is not a valid regular expression`,
      );
      return undefined;
    }
  }
  let range: NumericRange = {
    ...(options.minimum === undefined ? {} : { minimum: options.minimum }),
    ...(options.exclusiveMinimum === undefined ? {} : { exclusiveMinimum: options.exclusiveMinimum }),
    ...(options.maximum === undefined ? {} : { maximum: options.maximum }),
    ...(options.exclusiveMaximum === undefined ? {} : { exclusiveMaximum: options.exclusiveMaximum }),
  };
  if (kind === 'money') {
    const cents: Record<string, number> = {};
    for (const [bound, value] of Object.entries(range)) {
      const parsed = parseCents(String(value));
      if (typeof parsed === 'string') {
        problems.add(
          'TYPE_OPTIONS_INVALID',
          source,
          `${at}.logicalTypeOptions.${bound}`,
          'a money bound has at most 2 decimal places',
        );
        return undefined;
      }
      cents[bound] = parsed;
    }
    range = cents;
  }
  const invalidCode = customProperty(custom, 'invalidCode') ?? DEFAULT_INVALID_CODES[kind];
  if (typeof invalidCode !== 'string' || !DECLARED_CODE_PATTERN.test(invalidCode)) {
    problems.add('CODE_INVALID', source, `${at}.customProperties`, 'invalidCode must be UPPER_SNAKE_CASE');
    return undefined;
  }
  const maxDigits =
    options.maximum !== undefined && options.maximum >= 1
      ? Math.min(MAX_INTEGER_DIGITS, String(Math.floor(options.maximum)).length)
      : MAX_INTEGER_DIGITS;
  return {
    name: property.name,
    physicalName,
    kind,
    valueRequired,
    headerRequired: valueRequired || customProperty(custom, 'headerRequired') === true,
    invalidCode,
    invalidRule: invalidRuleText(property.name, kind, options, range),
    ...(options.pattern === undefined ? {} : { pattern: options.pattern }),
    ...(options.minLength === undefined ? {} : { minLength: options.minLength }),
    ...(options.maxLength === undefined ? {} : { maxLength: options.maxLength }),
    ...(values === undefined ? {} : { values }),
    caseInsensitive,
    range,
    maxDigits,
  };
}

const DEFAULT_INVALID_CODES: Record<ColumnKind, string> = {
  integer: 'INTEGER_INVALID',
  decimal: 'NUMBER_INVALID',
  money: 'MONEY_OUT_OF_RANGE',
  string: 'PATTERN_MISMATCH',
  enum: 'VALUE_NOT_ALLOWED',
  timestamp: 'TIMESTAMP_INVALID',
};

/** The range in words, money in its decimal form: `> 0`, `>= 1 and <= 999999999`. */
export function rangeText(range: NumericRange, money: boolean): string {
  const show = (value: number) => (money ? (value / 100).toString() : value.toString());
  const parts: string[] = [];
  if (range.exclusiveMinimum !== undefined) parts.push(`> ${show(range.exclusiveMinimum)}`);
  if (range.minimum !== undefined) parts.push(`>= ${show(range.minimum)}`);
  if (range.exclusiveMaximum !== undefined) parts.push(`< ${show(range.exclusiveMaximum)}`);
  if (range.maximum !== undefined) parts.push(`<= ${show(range.maximum)}`);
  return parts.join(' and ');
}

function invalidRuleText(
  name: string,
  kind: ColumnKind,
  options: NonNullable<Property['logicalTypeOptions']>,
  range: NumericRange,
): string {
  switch (kind) {
    case 'integer':
      if (range.minimum === 1 && Object.keys(range).length === 1) return 'is a positive integer';
      return Object.keys(range).length === 0 ? 'is an integer' : `is an integer ${rangeText(range, false)}`;
    case 'decimal':
      return Object.keys(range).length === 0 ? 'is a number' : `is a number ${rangeText(range, false)}`;
    case 'money':
      return rangeText(range, true);
    case 'enum':
      // `status is a known status`: the allowed values are listed in the contract.
      return `is a known ${name}`;
    case 'timestamp':
      return 'is an ISO 8601 or YYYY-MM-DD HH:MM:SS timestamp';
    default:
      if (options.pattern === '\\S') return 'is not blank';
      return options.pattern !== undefined ? `matches ${options.pattern}` : 'has an allowed length';
  }
}

function describeRule(quality: QualityRule): string {
  const what = quality.metric ?? quality.rule ?? quality.engine ?? '';
  return `${quality.type ?? 'library'} rule${what === '' ? '' : ` '${what}'`}`;
}

function compileRule(
  quality: QualityRule,
  columns: readonly ColumnSpec[],
  source: string,
  at: string,
  problems: Problems,
): CompiledRule | undefined {
  if (quality.type === 'text') return undefined;
  if (
    quality.type !== 'custom' ||
    quality.engine !== 'storeflow' ||
    typeof quality.implementation !== 'string'
  ) {
    problems.add(
      'UNSUPPORTED_RULE',
      source,
      at,
      `${describeRule(quality)} is not supported on a dataset; use type custom, engine storeflow, with an implementation expression (or type text for documentation)`,
    );
    return undefined;
  }
  const code = customProperty(quality.customProperties, 'code');
  if (typeof code !== 'string' || !DECLARED_CODE_PATTERN.test(code)) {
    problems.add(
      'CODE_INVALID',
      source,
      `${at}.customProperties`,
      'a rule needs a code (customProperties: code, UPPER_SNAKE_CASE)',
    );
    return undefined;
  }
  let compiled: ReturnType<typeof compileRuleExpression>;
  try {
    compiled = compileRuleExpression(quality.implementation, columns);
  } catch (error) {
    if (!(error instanceof RuleExpressionError)) throw error;
    problems.add(
      'RULE_EXPRESSION_INVALID',
      source,
      `${at}.implementation`,
      `'${quality.implementation}': ${error.message}`,
    );
    return undefined;
  }
  const columnName =
    customProperty(quality.customProperties, 'column') ?? columns[compiled.reads[0] ?? -1]?.name;
  if (typeof columnName !== 'string' || !columns.some((column) => column.name === columnName)) {
    problems.add(
      'RULE_EXPRESSION_INVALID',
      source,
      `${at}.customProperties`,
      `the rule's column ${String(columnName)} is not a column of the dataset`,
    );
    return undefined;
  }
  const { evaluate } = compiled;
  return {
    code,
    column: columnName,
    rule: quality.description ?? quality.implementation,
    expression: quality.implementation,
    reads: compiled.reads.reduce((mask, ordinal) => mask | (1 << ordinal), 0),
    check: (values, now) => evaluate(values, now) !== false,
  };
}

function checkPipelineDatasets(
  datasets: ReadonlyMap<string, DatasetContract>,
  sourceOf: ReadonlyMap<string, string>,
  sources: readonly ContractSource[],
  problems: Problems,
  incomplete: boolean,
): void {
  const source = sources.length === 1 ? (sources[0] as ContractSource).source : 'contracts';
  for (const [name, needs] of Object.entries(PIPELINE_DATASETS)) {
    const contract = datasets.get(name);
    if (contract === undefined) {
      if (incomplete) continue;
      problems.add(
        'PIPELINE_COLUMNS_MISSING',
        source,
        name,
        `no contract defines dataset '${name}', which the pipeline's references and KPIs need`,
      );
      continue;
    }
    const where = sourceOf.get(name) ?? contract.contractId;
    for (const [column, kinds] of Object.entries(needs.columns)) {
      const spec = contract.columns.find((candidate) => candidate.name === column);
      if (spec === undefined || !kinds.includes(spec.kind))
        problems.add(
          'PIPELINE_COLUMNS_MISSING',
          where,
          `${name}.${column}`,
          `the pipeline needs column '${column}' of kind ${kinds.join(' or ')}${spec === undefined ? '' : `, found ${spec.kind}`}`,
        );
    }
    const key = contract.columns[contract.keyOrdinal]?.name;
    if (key !== needs.key)
      problems.add(
        'PIPELINE_COLUMNS_MISSING',
        where,
        name,
        `the key of ${name} must be '${needs.key}', found '${key}'`,
      );
    const expected = needs.relationships.map((r) => `${r.column}->${r.to}:${r.code}`).sort();
    const declared = contract.relationships
      .map((r) => `${r.column}->${r.toDataset}.${r.toColumn}:${r.code}`)
      .sort();
    if (expected.join() !== declared.join())
      problems.add(
        'RELATIONSHIP_INVALID',
        where,
        name,
        `${name} must declare exactly the references the pipeline resolves: ${expected.join(', ') || 'none'}; found ${declared.join(', ') || 'none'}`,
      );
  }
  for (const contract of datasets.values()) {
    if (contract.dataset in PIPELINE_DATASETS || contract.relationships.length === 0) continue;
    problems.add(
      'RELATIONSHIP_INVALID',
      sourceOf.get(contract.dataset) ?? contract.contractId,
      contract.dataset,
      'references are resolved for order_items only; remove the relationships or describe them as text',
    );
  }
}

/**
 * The compiled contract of a dataset.
 *
 * @throws Error when the set has none: for the pipeline's own datasets `compileContractSet`
 *   guarantees one, so this is a programming error
 */
export function datasetContract(contracts: ContractSet, dataset: string): DatasetContract {
  const contract = contracts.datasets.get(dataset);
  if (contract === undefined) throw new Error(`no contract for dataset ${dataset}`);
  return contract;
}

/** Folder under `raw/` (lower case) → dataset, from each contract's name and `folderAliases`. */
export function datasetFolders(contracts: ContractSet): Map<string, string> {
  const folders = new Map<string, string>();
  for (const contract of contracts.datasets.values())
    for (const folder of [contract.dataset, ...contract.folderAliases])
      folders.set(folder.toLowerCase(), contract.dataset);
  return folders;
}
