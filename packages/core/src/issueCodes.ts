/** Where a problem applies: the whole file or one row. */
export type IssueLevel = 'file' | 'row';

/**
 * Which check found a problem. `notice` is the only kind that rejects nothing: it is reported
 * once per file and kept out of the verdict. `verdict` is the verdict itself: every row was
 * checked, and too many were rejected.
 */
export type IssueKind = 'file' | 'notice' | 'verdict' | 'schema' | 'business' | 'uniqueness' | 'referential';

/** One catalogue entry. */
export interface IssueCodeInfo {
  readonly level: IssueLevel;
  readonly kind: IssueKind;
  /** True when the problem rejects its file (level `file`) or its row (level `row`). */
  readonly rejects: boolean;
  /** One line, for reports and docs/error-codes.md. */
  readonly description: string;
}

/**
 * The one catalogue of problem codes (SPEC §3). Codes are stable: reports, metrics labels and
 * the rejected-rows files carry them, so a code is never renamed or reused. Every entry is
 * documented in docs/error-codes.md, which a test keeps in sync.
 */
export const ISSUE_CODES = {
  OBJECT_UNREADABLE: {
    level: 'file',
    kind: 'file',
    rejects: true,
    description: 'The object could not be read or decoded (for example a corrupt gzip stream).',
  },
  NOT_UTF8: {
    level: 'file',
    kind: 'file',
    rejects: true,
    description: 'The object is not valid UTF-8 text.',
  },
  MISSING_REQUIRED_COLUMN: {
    level: 'file',
    kind: 'file',
    rejects: true,
    description: 'The header lacks one or more required columns of the dataset.',
  },
  DUPLICATE_COLUMN: {
    level: 'file',
    kind: 'file',
    rejects: true,
    description: 'The same column name appears more than once in the header.',
  },
  EMPTY_FILE: {
    level: 'file',
    kind: 'file',
    rejects: true,
    description: 'The object has no content, not even a header.',
  },
  HEADER_ONLY: {
    level: 'file',
    kind: 'file',
    rejects: true,
    description: 'The object has a header but no data row.',
  },
  UNKNOWN_DATASET: {
    level: 'file',
    kind: 'file',
    rejects: true,
    description: 'The object key does not route to products, orders or order_items.',
  },
  UNSUPPORTED_FORMAT: {
    level: 'file',
    kind: 'file',
    rejects: true,
    description: 'The object key does not end in .csv, .jsonl or .ndjson (optionally .gz).',
  },
  OBJECT_TOO_LARGE: {
    level: 'file',
    kind: 'file',
    rejects: true,
    description: 'The object is larger than the configured size limit.',
  },
  RECORD_TOO_LONG: {
    level: 'file',
    kind: 'file',
    rejects: true,
    description:
      'A record is longer than the parser buffers (default 1 Mi characters), usually a quote that is never closed.',
  },
  REJECTED_ROW_RATIO: {
    level: 'file',
    kind: 'verdict',
    rejects: true,
    description:
      'The share of rejected rows is above maxRejectedRowRatio (default 0.05), so the whole file is rejected.',
  },
  EXTRA_COLUMNS: {
    level: 'file',
    kind: 'notice',
    rejects: false,
    description:
      "The header (or a JSON object) has columns the dataset's contract does not define; they are kept in silver under `extra` and reported once.",
  },
  COLUMN_COUNT_MISMATCH: {
    level: 'row',
    kind: 'schema',
    rejects: true,
    description: 'A CSV line has a different number of fields than the header.',
  },
  UNTERMINATED_QUOTE: {
    level: 'row',
    kind: 'schema',
    rejects: true,
    description:
      'A quoted CSV field is still open at the end of the file; the row covers the rest of the file.',
  },
  JSON_LINE_MALFORMED: {
    level: 'row',
    kind: 'schema',
    rejects: true,
    description: 'A JSON Lines line is not valid JSON.',
  },
  JSON_LINE_NOT_OBJECT: {
    level: 'row',
    kind: 'schema',
    rejects: true,
    description: 'A JSON Lines line is valid JSON but not an object.',
  },
  REQUIRED_VALUE_MISSING: {
    level: 'row',
    kind: 'schema',
    rejects: true,
    description: 'A column that needs a value is empty.',
  },
  REQUIRED_TEXT_BLANK: {
    level: 'row',
    kind: 'schema',
    rejects: true,
    description: 'category, name or department holds only whitespace.',
  },
  ID_NOT_POSITIVE_INTEGER: {
    level: 'row',
    kind: 'schema',
    rejects: true,
    description: 'An id column is not a positive integer of at most 15 digits.',
  },
  NUM_OF_ITEM_INVALID: {
    level: 'row',
    kind: 'schema',
    rejects: true,
    description: 'num_of_item is not an integer >= 1.',
  },
  INTEGER_INVALID: {
    level: 'row',
    kind: 'schema',
    rejects: true,
    description:
      'An integer column of a contract holds something else, or a value outside its range (the default code).',
  },
  NUMBER_INVALID: {
    level: 'row',
    kind: 'schema',
    rejects: true,
    description:
      'A number column of a contract holds something else, or a value outside its range (the default code).',
  },
  PATTERN_MISMATCH: {
    level: 'row',
    kind: 'schema',
    rejects: true,
    description: "A text column's value breaks its contract's pattern or length (the default code).",
  },
  VALUE_NOT_ALLOWED: {
    level: 'row',
    kind: 'schema',
    rejects: true,
    description: "A column's value is not one of its contract's validValues (the default code).",
  },
  MONEY_NOT_DECIMAL: {
    level: 'row',
    kind: 'schema',
    rejects: true,
    description: 'A money column is not a decimal number (optional "-", 1 to 13 digits, optional fraction).',
  },
  MONEY_TOO_MANY_DECIMALS: {
    level: 'row',
    kind: 'schema',
    rejects: true,
    description: 'A money value has a non-zero digit after the second decimal place.',
  },
  MONEY_OUT_OF_RANGE: {
    level: 'row',
    kind: 'schema',
    rejects: true,
    description: 'cost is negative, or retail_price / sale_price is not greater than zero.',
  },
  STATUS_INVALID: {
    level: 'row',
    kind: 'schema',
    rejects: true,
    description:
      'status is not one of pending, processing, shipped, delivered, complete, returned, cancelled.',
  },
  TIMESTAMP_INVALID: {
    level: 'row',
    kind: 'schema',
    rejects: true,
    description: 'A timestamp is not in an accepted form or is not a real date and time.',
  },
  CREATED_AT_IN_FUTURE: {
    level: 'row',
    kind: 'schema',
    rejects: true,
    description: 'created_at is later than now plus the allowed clock skew (default 5 minutes).',
  },
  COST_ABOVE_RETAIL_PRICE: {
    level: 'row',
    kind: 'business',
    rejects: true,
    description: 'cost is greater than retail_price.',
  },
  SHIPPED_BEFORE_CREATED: {
    level: 'row',
    kind: 'business',
    rejects: true,
    description: 'shipped_at is earlier than created_at.',
  },
  DELIVERED_BEFORE_SHIPPED: {
    level: 'row',
    kind: 'business',
    rejects: true,
    description: 'delivered_at is earlier than shipped_at.',
  },
  RETURNED_AT_WITHOUT_RETURN: {
    level: 'row',
    kind: 'business',
    rejects: true,
    description: 'returned_at is set but status is not returned.',
  },
  RETURN_WITHOUT_RETURNED_AT: {
    level: 'row',
    kind: 'business',
    rejects: true,
    description: 'status is returned but returned_at is empty.',
  },
  SKU_PATTERN_MISMATCH: {
    level: 'row',
    kind: 'business',
    rejects: true,
    description:
      'sku does not match the pattern of the products contract (as shipped `^[A-Za-z]{3}-\\d{8}$`).',
  },
  DUPLICATE_KEY_IN_FILE: {
    level: 'row',
    kind: 'uniqueness',
    rejects: true,
    description: 'The key of the row was already accepted earlier in the same file.',
  },
  UNKNOWN_PRODUCT: {
    level: 'row',
    kind: 'referential',
    rejects: true,
    description: 'order_items.product_id is not a known product (rejected once the grace window has passed).',
  },
  UNKNOWN_ORDER: {
    level: 'row',
    kind: 'referential',
    rejects: true,
    description: 'order_items.order_id is not a known order (rejected once the grace window has passed).',
  },
  ITEM_USER_MISMATCH: {
    level: 'row',
    kind: 'referential',
    rejects: true,
    description: "order_items.user_id differs from its order's user_id.",
  },
} as const satisfies Record<string, IssueCodeInfo>;

/** Any code of the catalogue. */
export type IssueCode = keyof typeof ISSUE_CODES;
