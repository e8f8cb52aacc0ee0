/**
 * The data contracts the pipeline validates against: the parts of an Open Data Contract Standard
 * (ODCS) v3.1 document that StoreFlow reads, after `readContract` has checked them, and a
 * dataset's contract compiled into what the row validator runs (docs/contracts.md).
 */

/** Codes of the problems a contract can have; every one is listed in docs/contracts.md. */
export type ContractProblemCode =
  | 'YAML_INVALID'
  | 'ODCS_SCHEMA'
  | 'UNSUPPORTED_RULE'
  | 'DUPLICATE_DATASET'
  | 'DUPLICATE_COLUMN'
  | 'TOO_MANY_COLUMNS'
  | 'DUPLICATE_RULE_CODE'
  | 'CODE_INVALID'
  | 'KEY_INVALID'
  | 'TYPE_OPTIONS_INVALID'
  | 'PATTERN_INVALID'
  | 'RULE_EXPRESSION_INVALID'
  | 'RELATIONSHIP_INVALID'
  | 'PIPELINE_COLUMNS_MISSING';

/** One problem of a contract; `readContract` and `compileContractSet` report them all at once. */
export interface ContractProblem {
  readonly code: ContractProblemCode;
  /** Where: the contract's source (file or S3 key), then a path into the document. */
  readonly source: string;
  readonly path: string;
  readonly message: string;
}

/** How a column's raw text is checked and converted. */
export type ColumnKind = 'integer' | 'money' | 'decimal' | 'string' | 'enum' | 'timestamp';

/** A numeric bound; for money columns in cents. */
export interface NumericRange {
  readonly minimum?: number;
  readonly exclusiveMinimum?: number;
  readonly maximum?: number;
  readonly exclusiveMaximum?: number;
}

/** One column of a dataset, as the row validator applies it. */
export interface ColumnSpec {
  /** The pipeline's (logical) name: silver, rules and KPIs use it. */
  readonly name: string;
  /** The name in the extract's header or JSON keys. */
  readonly physicalName: string;
  readonly kind: ColumnKind;
  /** An empty value is an error (REQUIRED_VALUE_MISSING); otherwise empty means absent. */
  readonly valueRequired: boolean;
  /** The header must have the column (a required value implies it). */
  readonly headerRequired: boolean;
  /** The code of a value that does not fit the column's type, range or pattern. */
  readonly invalidCode: string;
  /** The rule text of that code (`id is a positive integer`). */
  readonly invalidRule: string;
  /** Strings: a regular expression (ECMAScript, unicode) a non-empty value must match. */
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  /** Enums: the allowed values (lower case when `caseInsensitive`). */
  readonly values?: readonly string[];
  readonly caseInsensitive: boolean;
  /** Integers, decimals and money: the allowed range (money in cents). */
  readonly range: NumericRange;
  /** Integers: most digits a value may have (15 keeps every value exact in a double). */
  readonly maxDigits: number;
}

/** A foreign key of a dataset's column to another dataset's column. */
export interface RelationshipSpec {
  readonly column: string;
  readonly toDataset: string;
  readonly toColumn: string;
  /** The code of a row whose reference does not resolve. */
  readonly code: string;
}

/** A compiled business rule; `check` reads the row's converted values by column ordinal. */
export interface CompiledRule {
  readonly code: string;
  /** The column the problem is reported against. */
  readonly column: string;
  /** The rule in words, for reports. */
  readonly rule: string;
  /** The expression as written in the contract. */
  readonly expression: string;
  /** Bit i is set when the rule reads column ordinal i; it is skipped when one of them failed. */
  readonly reads: number;
  /**
   * False when the row breaks the rule. `now` is the injected clock plus the allowed skew, epoch
   * ms. A comparison with an absent value is unknown and passes, as an SQL CHECK does.
   */
  readonly check: (values: readonly ConvertedValue[], now: number) => boolean;
}

/** A converted column value: number (integer, cents, decimal, epoch ms), string, or undefined when absent. */
export type ConvertedValue = number | string | undefined;

/** A code a contract declares, for reports and `storeflow contracts show`. */
export interface DeclaredCode {
  readonly code: string;
  readonly kind: 'schema' | 'business' | 'referential';
  readonly description: string;
}

/** One dataset of a contract, compiled: what the validator needs, with no YAML left. */
export interface DatasetContract {
  /** The dataset's name (`schema[].name`): routes `raw/<name>/` and names silver and reports. */
  readonly dataset: string;
  /** Other folder names under `raw/` that route to the dataset. */
  readonly folderAliases: readonly string[];
  /** The contract it came from, recorded in every report judged by it. */
  readonly contractId: string;
  readonly contractVersion: string;
  /** Columns in ordinal order: as declared in the contract. */
  readonly columns: readonly ColumnSpec[];
  /** Ordinal of the column unique within a file. */
  readonly keyOrdinal: number;
  readonly rules: readonly CompiledRule[];
  readonly relationships: readonly RelationshipSpec[];
  /** Share of rejected rows above which the whole file is rejected. */
  readonly maxRejectedRowRatio: number;
  readonly codes: readonly DeclaredCode[];
}

/** Every dataset the pipeline knows, by name. */
export interface ContractSet {
  readonly datasets: ReadonlyMap<string, DatasetContract>;
  /** Where each contract was read from, for logs and `contracts show`. */
  readonly sources: readonly string[];
}
