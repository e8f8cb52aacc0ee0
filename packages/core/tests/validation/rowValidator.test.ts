import {
  createRowValidator,
  type Dataset,
  type DatasetContract,
  InvalidOptionError,
  ISSUE_CODES,
  MAX_ISSUE_VALUE_LENGTH,
} from '../../src/index.js';
import { compileValid, contractOf, contractText, thelookSources } from '../helpers/contracts.js';
import { HEADERS, NOW_MS, toFields, validatorFor, validRecord } from '../helpers/factories.js';

interface Case {
  dataset: Dataset;
  /** Raw values that break exactly one rule. */
  failing: Record<string, string>;
  /** The nearest values that satisfy the same rule. */
  passing: Record<string, string>;
  column: string;
  value: string;
  /** A contract edited for the case, and the header its records use; the shipped ones otherwise. */
  contract?: DatasetContract;
  header?: readonly string[];
}

/**
 * A shipped contract with one piece of its YAML replaced, to reach the codes a contract column
 * reports when it declares no invalidCode of its own (the default code of its kind).
 */
function editedContract(dataset: Dataset, from: string, to: string): DatasetContract {
  const file = `${dataset}.odcs.yaml`;
  const text = contractText(file);
  if (text.split(from).length !== 2) throw new Error(`${file}: ${JSON.stringify(from)} is not unique`);
  return compileValid(thelookSources({ [file]: text.replace(from, () => to) })).datasets.get(
    dataset,
  ) as DatasetContract;
}

const FIVE_MINUTES = 5 * 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();

/** For every row-level code the RowValidator raises: one failing and one passing record. */
const CASES: Record<string, Case[]> = {
  REQUIRED_VALUE_MISSING: [
    { dataset: 'products', failing: { name: '' }, passing: { name: 'x' }, column: 'name', value: '' },
    { dataset: 'products', failing: { sku: '' }, passing: { sku: 'abc-12345678' }, column: 'sku', value: '' },
    { dataset: 'orders', failing: { created_at: '' }, passing: {}, column: 'created_at', value: '' },
    { dataset: 'order_items', failing: { product_id: '' }, passing: {}, column: 'product_id', value: '' },
    { dataset: 'order_items', failing: { sale_price: '' }, passing: {}, column: 'sale_price', value: '' },
  ],
  REQUIRED_TEXT_BLANK: [
    {
      dataset: 'products',
      failing: { category: '   ' },
      passing: { category: ' a ' },
      column: 'category',
      value: '   ',
    },
  ],
  ID_NOT_POSITIVE_INTEGER: [
    { dataset: 'products', failing: { id: '0' }, passing: { id: '10' }, column: 'id', value: '0' },
    { dataset: 'products', failing: { id: '-3' }, passing: { id: '3' }, column: 'id', value: '-3' },
    {
      dataset: 'orders',
      failing: { user_id: '12.0' },
      passing: { user_id: '12' },
      column: 'user_id',
      value: '12.0',
    },
    {
      dataset: 'orders',
      failing: { order_id: '007' },
      passing: { order_id: '7' },
      column: 'order_id',
      value: '007',
    },
    {
      dataset: 'order_items',
      failing: { order_id: '1234567890123456' },
      passing: { order_id: '123456789012345' },
      column: 'order_id',
      value: '1234567890123456',
    },
    { dataset: 'order_items', failing: { product_id: 'p1' }, passing: {}, column: 'product_id', value: 'p1' },
  ],
  NUM_OF_ITEM_INVALID: [
    {
      dataset: 'orders',
      failing: { num_of_item: '0' },
      passing: { num_of_item: '1' },
      column: 'num_of_item',
      value: '0',
    },
    {
      dataset: 'orders',
      failing: { num_of_item: '2.5' },
      passing: { num_of_item: '25' },
      column: 'num_of_item',
      value: '2.5',
    },
  ],
  MONEY_NOT_DECIMAL: [
    {
      dataset: 'products',
      failing: { cost: '1,50' },
      passing: { cost: '1.50' },
      column: 'cost',
      value: '1,50',
    },
    {
      dataset: 'order_items',
      failing: { sale_price: '$5' },
      passing: { sale_price: '5' },
      column: 'sale_price',
      value: '$5',
    },
  ],
  MONEY_TOO_MANY_DECIMALS: [
    {
      dataset: 'order_items',
      failing: { sale_price: '81.645' },
      passing: { sale_price: '81.640' },
      column: 'sale_price',
      value: '81.645',
    },
  ],
  MONEY_OUT_OF_RANGE: [
    {
      dataset: 'products',
      failing: { cost: '-0.01' },
      passing: { cost: '0' },
      column: 'cost',
      value: '-0.01',
    },
    {
      dataset: 'products',
      failing: { retail_price: '0.00', cost: '0' },
      passing: { retail_price: '0.01', cost: '0' },
      column: 'retail_price',
      value: '0.00',
    },
    {
      dataset: 'order_items',
      failing: { sale_price: '0' },
      passing: { sale_price: '0.01' },
      column: 'sale_price',
      value: '0',
    },
  ],
  STATUS_INVALID: [
    {
      dataset: 'orders',
      failing: { status: 'lost' },
      passing: { status: 'RETURNED' },
      column: 'status',
      value: 'lost',
    },
  ],
  TIMESTAMP_INVALID: [
    {
      dataset: 'orders',
      failing: { shipped_at: '2025-02-30T06:14:26' },
      passing: { shipped_at: '2025-03-31 06:14:26 UTC' },
      column: 'shipped_at',
      value: '2025-02-30T06:14:26',
    },
    {
      dataset: 'order_items',
      failing: { created_at: '30/03/2025 17:09' },
      passing: { created_at: '2025-03-30T17:09:26+00:00' },
      column: 'created_at',
      value: '30/03/2025 17:09',
    },
  ],
  CREATED_AT_IN_FUTURE: [
    {
      dataset: 'orders',
      failing: {
        created_at: iso(NOW_MS + FIVE_MINUTES + 1),
        shipped_at: '',
        delivered_at: '',
        returned_at: '',
        status: 'pending',
      },
      passing: {
        created_at: iso(NOW_MS + FIVE_MINUTES),
        shipped_at: '',
        delivered_at: '',
        returned_at: '',
        status: 'pending',
      },
      column: 'created_at',
      value: iso(NOW_MS + FIVE_MINUTES + 1),
    },
    {
      dataset: 'order_items',
      failing: {
        created_at: '2030-01-01T00:00:00',
        shipped_at: '',
        delivered_at: '',
        returned_at: '',
        status: 'pending',
      },
      passing: {
        created_at: iso(NOW_MS),
        shipped_at: '',
        delivered_at: '',
        returned_at: '',
        status: 'pending',
      },
      column: 'created_at',
      value: '2030-01-01T00:00:00',
    },
  ],
  COST_ABOVE_RETAIL_PRICE: [
    {
      dataset: 'products',
      failing: { cost: '53.96' },
      passing: { cost: '53.95' },
      column: 'cost',
      value: '53.96',
    },
  ],
  SHIPPED_BEFORE_CREATED: [
    {
      dataset: 'orders',
      failing: { shipped_at: '2025-03-30T16:14:25' },
      passing: { shipped_at: '2025-03-30T16:14:26' },
      column: 'shipped_at',
      value: '2025-03-30T16:14:25',
    },
    {
      dataset: 'order_items',
      // The same instant written in another zone is not "before".
      failing: { shipped_at: '2025-03-30T19:09:25+02:00' },
      passing: { shipped_at: '2025-03-30T19:09:26+02:00' },
      column: 'shipped_at',
      value: '2025-03-30T19:09:25+02:00',
    },
  ],
  DELIVERED_BEFORE_SHIPPED: [
    {
      dataset: 'orders',
      failing: { delivered_at: '2025-03-31T06:14:25' },
      passing: { delivered_at: '2025-03-31T06:14:26' },
      column: 'delivered_at',
      value: '2025-03-31T06:14:25',
    },
    {
      dataset: 'order_items',
      failing: { delivered_at: '2025-03-31T05:00:00' },
      passing: { delivered_at: '' },
      column: 'delivered_at',
      value: '2025-03-31T05:00:00',
    },
  ],
  RETURNED_AT_WITHOUT_RETURN: [
    {
      dataset: 'orders',
      failing: { status: 'delivered' },
      passing: { status: 'delivered', returned_at: '' },
      column: 'returned_at',
      value: '2025-04-03T10:14:26',
    },
  ],
  RETURN_WITHOUT_RETURNED_AT: [
    {
      dataset: 'order_items',
      failing: { returned_at: '' },
      passing: { returned_at: '2025-04-07 03:09:26' },
      column: 'returned_at',
      value: '',
    },
  ],
  SKU_PATTERN_MISMATCH: [
    {
      dataset: 'products',
      failing: { sku: 'eHZ_67752426' },
      passing: { sku: 'EHZ-67752426' },
      column: 'sku',
      value: 'eHZ_67752426',
    },
  ],
  INTEGER_INVALID: [
    {
      dataset: 'orders',
      contract: editedContract(
        'orders',
        '        logicalTypeOptions: { minimum: 1 }\n        customProperties:\n          - { property: invalidCode, value: ID_NOT_POSITIVE_INTEGER }\n      - name: status\n',
        '        logicalTypeOptions: { minimum: 1 }\n      - name: status\n',
      ),
      failing: { user_id: '0' },
      passing: { user_id: '12' },
      column: 'user_id',
      value: '0',
    },
  ],
  NUMBER_INVALID: [
    {
      dataset: 'products',
      contract: editedContract(
        'products',
        '\n    quality:\n',
        '\n      - name: weight_kg\n        logicalType: number\n        required: false\n        logicalTypeOptions: { minimum: 0 }\n    quality:\n',
      ),
      header: [...HEADERS.products, 'weight_kg'],
      failing: { weight_kg: '-0.5' },
      passing: { weight_kg: '0.5' },
      column: 'weight_kg',
      value: '-0.5',
    },
  ],
  PATTERN_MISMATCH: [
    {
      dataset: 'products',
      contract: editedContract(
        'products',
        '        customProperties:\n          - { property: invalidCode, value: SKU_PATTERN_MISMATCH }\n',
        '',
      ),
      failing: { sku: 'eHZ_67752426' },
      passing: { sku: 'EHZ-67752426' },
      column: 'sku',
      value: 'eHZ_67752426',
    },
  ],
  VALUE_NOT_ALLOWED: [
    {
      dataset: 'orders',
      contract: editedContract(
        'orders',
        '          - { property: invalidCode, value: STATUS_INVALID }\n',
        '',
      ),
      failing: { status: 'lost' },
      passing: { status: 'RETURNED' },
      column: 'status',
      value: 'lost',
    },
  ],
};

const flatCases = Object.entries(CASES).flatMap(([code, cases]) => cases.map((c) => ({ code, ...c })));

describe('RowValidator: one failing and one passing row per code', () => {
  it.each(flatCases)(
    '$code on $dataset.$column = $value',
    ({ code, dataset, failing, column, value, ...edit }) => {
      // Prepare
      const header = edit.header ?? HEADERS[dataset];
      const validator = validatorFor(dataset, {}, header, edit.contract);
      const fields = toFields(header, validRecord(dataset, failing));
      // Act
      const result = validator.validate(fields, 2);
      // Assess
      expect(result.ok).toBe(false);
      expect(result.ok ? [] : result.issues).toEqual([
        expect.objectContaining({ code, line: 2, column, value }),
      ]);
    },
  );

  it.each(flatCases)(
    'passes $dataset with the nearest valid values for $code',
    ({ dataset, passing, ...edit }) => {
      // Prepare
      const header = edit.header ?? HEADERS[dataset];
      const validator = validatorFor(dataset, {}, header, edit.contract);
      const fields = toFields(header, validRecord(dataset, passing));
      // Act
      const result = validator.validate(fields, 2);
      // Assess
      expect(result.ok ? [] : result.issues).toEqual([]);
    },
  );

  it('covers every row-level schema and business code of the catalogue', () => {
    // Prepare: codes raised elsewhere have their own tests
    const elsewhere = [
      'COLUMN_COUNT_MISMATCH',
      'JSON_LINE_MALFORMED',
      'JSON_LINE_NOT_OBJECT',
      'UNTERMINATED_QUOTE',
    ];
    // Act
    const uncovered = Object.entries(ISSUE_CODES)
      .filter(
        ([code, info]) => (info.kind === 'schema' || info.kind === 'business') && !elsewhere.includes(code),
      )
      .filter(([code]) => !(code in CASES))
      .map(([code]) => code);
    // Assess
    expect(uncovered).toEqual([]);
  });
});

describe('RowValidator: conversion', () => {
  it('converts a products row to ids, integer cents and absent optional values', () => {
    // Prepare
    const validator = validatorFor('products');
    const fields = toFields(HEADERS.products, validRecord('products', { brand: '', cost: '43.4' }));
    // Act
    const result = validator.validate(fields, 2);
    // Assess
    expect(result).toEqual({
      ok: true,
      row: {
        id: 1,
        sku: 'eHZ-67752426',
        costCents: 4340,
        category: 'Beauty',
        name: 'Down-sized stable budgetary management',
        brand: '',
        retailPriceCents: 5395,
        department: 'Personal Care',
        distributionCenterId: undefined,
      },
    });
  });

  it('converts an orders row, lower-casing the status and reading timestamps as UTC', () => {
    // Prepare
    const validator = validatorFor('orders');
    const fields = toFields(
      HEADERS.orders,
      validRecord('orders', { status: 'Returned', delivered_at: '', num_of_item: '3' }),
    );
    // Act
    const result = validator.validate(fields, 7);
    // Assess
    expect(result).toEqual({
      ok: true,
      row: {
        orderId: 1,
        userId: 9116,
        status: 'returned',
        createdAtMs: Date.UTC(2025, 2, 30, 16, 14, 26),
        returnedAtMs: Date.UTC(2025, 3, 3, 10, 14, 26),
        shippedAtMs: Date.UTC(2025, 2, 31, 6, 14, 26),
        deliveredAtMs: undefined,
        numOfItem: 3,
        gender: undefined,
      },
    });
  });

  it('converts an order_items row in the spec column order with optional columns present', () => {
    // Prepare: another column order and the optional inventory_item_id
    const header = [
      'sale_price',
      'inventory_item_id',
      ...HEADERS.order_items.filter((c) => c !== 'sale_price'),
    ];
    const validator = validatorFor('order_items', {}, header);
    const fields = toFields(
      header,
      validRecord('order_items', { inventory_item_id: '77', status: 'DELIVERED', returned_at: '' }),
    );
    // Act
    const result = validator.validate(fields, 3);
    // Assess
    expect(result).toEqual({
      ok: true,
      row: {
        id: 1,
        orderId: 1,
        userId: 9116,
        productId: 5585,
        status: 'delivered',
        createdAtMs: Date.UTC(2025, 2, 30, 17, 9, 26),
        shippedAtMs: Date.UTC(2025, 2, 31, 5, 9, 26),
        deliveredAtMs: Date.UTC(2025, 3, 2, 3, 9, 26),
        returnedAtMs: undefined,
        salePriceCents: 8164,
        inventoryItemId: 77,
      },
    });
  });

  it('reads the longest ids and counts exactly, and rejects one digit more', () => {
    // Prepare: 15-digit ids and a 9-digit count, the longest the schema admits
    const validator = validatorFor('orders');
    const longest = toFields(
      HEADERS.orders,
      validRecord('orders', {
        order_id: '999999999999999',
        user_id: '100000000000007',
        num_of_item: '999999999',
      }),
    );
    const tooLong = toFields(HEADERS.orders, validRecord('orders', { order_id: '1000000000000000' }));
    // Act
    const accepted = validator.validate(longest, 2);
    const rejected = validator.validate(tooLong, 3);
    // Assess
    expect(accepted).toEqual({
      ok: true,
      row: expect.objectContaining({
        orderId: 999_999_999_999_999,
        userId: 100_000_000_000_007,
        numOfItem: 999_999_999,
      }),
    });
    expect(rejected.ok ? [] : rejected.issues).toEqual([
      expect.objectContaining({ code: 'ID_NOT_POSITIVE_INTEGER', column: 'order_id' }),
    ]);
  });

  it('validates an optional column when present', () => {
    // Prepare
    const header = [...HEADERS.products, 'distribution_center_id'];
    const validator = validatorFor('products', {}, header);
    const fields = toFields(header, validRecord('products', { distribution_center_id: 'DC-1' }));
    // Act
    const result = validator.validate(fields, 2);
    // Assess
    expect(result.ok ? [] : result.issues).toEqual([
      expect.objectContaining({
        code: 'ID_NOT_POSITIVE_INTEGER',
        column: 'distribution_center_id',
        value: 'DC-1',
      }),
    ]);
  });
});

describe('RowValidator: several problems and skipped rules', () => {
  it('collects every problem of a row, not only the first', () => {
    // Prepare
    const validator = validatorFor('products');
    const fields = toFields(
      HEADERS.products,
      validRecord('products', { id: 'x', sku: 'bad', cost: '1.001', name: '', retail_price: '-2' }),
    );
    // Act
    const result = validator.validate(fields, 9);
    // Assess
    const codes = result.ok ? [] : result.issues.map((issue) => `${issue.code}:${issue.column}`);
    expect(codes.sort()).toEqual(
      [
        'ID_NOT_POSITIVE_INTEGER:id',
        'SKU_PATTERN_MISMATCH:sku',
        'MONEY_TOO_MANY_DECIMALS:cost',
        'REQUIRED_VALUE_MISSING:name',
        'MONEY_OUT_OF_RANGE:retail_price',
      ].sort(),
    );
  });

  it('skips a rule whose input already failed, instead of reporting noise', () => {
    // Prepare: shipped_at is unparseable, so the ordering rules cannot be judged
    const validator = validatorFor('orders');
    const fields = toFields(HEADERS.orders, validRecord('orders', { shipped_at: 'soon' }));
    // Act
    const result = validator.validate(fields, 2);
    // Assess
    expect(result.ok ? [] : result.issues.map((issue) => issue.code)).toEqual(['TIMESTAMP_INVALID']);
  });

  it('reports a CSV line with the wrong field count once, with no column', () => {
    // Prepare
    const validator = validatorFor('orders');
    const fields = [...toFields(HEADERS.orders, validRecord('orders')), 'surplus'];
    // Act
    const result = validator.validate(fields, 12);
    // Assess
    expect(result.ok ? [] : result.issues).toEqual([
      expect.objectContaining({
        code: 'COLUMN_COUNT_MISMATCH',
        line: 12,
        column: undefined,
        value: '9 fields',
      }),
    ]);
  });

  it('passes a line with the same field count as the header', () => {
    // Prepare
    const validator = validatorFor('orders');
    const fields = toFields(HEADERS.orders, validRecord('orders'));
    // Act
    const result = validator.validate(fields, 12);
    // Assess
    expect(result.ok).toBe(true);
  });

  it('cuts a huge raw value in the issue', () => {
    // Prepare
    const validator = validatorFor('products');
    const huge = 'y'.repeat(10_000);
    const fields = toFields(HEADERS.products, validRecord('products', { sku: huge }));
    // Act
    const result = validator.validate(fields, 2);
    // Assess
    const issue = result.ok ? undefined : result.issues[0];
    expect(issue?.value).toHaveLength(MAX_ISSUE_VALUE_LENGTH);
    expect(MAX_ISSUE_VALUE_LENGTH).toBeLessThan(huge.length);
  });
});

describe('RowValidator: uniqueness within a file', () => {
  it('rejects the later row of a repeated key and keeps the first', () => {
    // Prepare
    const validator = validatorFor('order_items');
    const fields = toFields(HEADERS.order_items, validRecord('order_items', { id: '31' }));
    // Act
    const first = validator.validate(fields, 2);
    const second = validator.validate(fields, 3);
    // Assess
    expect(first.ok).toBe(true);
    expect(second.ok ? [] : second.issues).toEqual([
      {
        code: 'DUPLICATE_KEY_IN_FILE',
        line: 3,
        column: 'id',
        value: '31',
        rule: 'id is unique within the file',
      },
    ]);
    expect(validator.acceptedKeys).toBe(1);
  });

  it('accepts distinct keys, and a later good copy of a key whose first row was rejected', () => {
    // Prepare
    const validator = validatorFor('orders');
    const bad = toFields(HEADERS.orders, validRecord('orders', { order_id: '5', status: 'lost' }));
    const good = toFields(HEADERS.orders, validRecord('orders', { order_id: '5' }));
    const other = toFields(HEADERS.orders, validRecord('orders', { order_id: '6' }));
    // Act
    const results = [validator.validate(bad, 2), validator.validate(good, 3), validator.validate(other, 4)];
    // Assess
    expect(results.map((r) => r.ok)).toEqual([false, true, true]);
    expect(validator.acceptedKeys).toBe(2);
  });

  it('tracks keys per validator, so the same key in another file is not a repeat', () => {
    // Prepare
    const fields = toFields(HEADERS.products, validRecord('products'));
    validatorFor('products').validate(fields, 2);
    // Act
    const result = validatorFor('products').validate(fields, 2);
    // Assess
    expect(result.ok).toBe(true);
  });
});

describe('createRowValidator: header', () => {
  it('rejects a header without a required column, naming it', () => {
    // Prepare
    const header = HEADERS.orders.filter((column) => column !== 'status' && column !== 'user_id');
    // Act
    const built = createRowValidator(contractOf('orders'), header, { nowMs: NOW_MS });
    // Assess
    expect(built).toEqual({
      ok: false,
      fileIssues: [
        expect.objectContaining({ code: 'MISSING_REQUIRED_COLUMN', columns: ['user_id', 'status'] }),
      ],
    });
  });

  it('accepts a header without the optional columns', () => {
    // Prepare
    const header = ['id', 'order_id', 'user_id', 'product_id', 'status', 'created_at', 'sale_price'];
    // Act
    const built = createRowValidator(contractOf('order_items'), header, { nowMs: NOW_MS });
    // Assess
    expect(built.ok).toBe(true);
  });

  it('rejects a header that repeats a column name', () => {
    // Prepare
    const header = [...HEADERS.products, 'cost'];
    // Act
    const built = createRowValidator(contractOf('products'), header, { nowMs: NOW_MS });
    // Assess
    expect(built).toEqual({
      ok: false,
      fileIssues: [expect.objectContaining({ code: 'DUPLICATE_COLUMN', columns: ['cost'] })],
    });
  });

  it('reports extra columns once as a notice and validates the rest', () => {
    // Prepare
    const header = ['warehouse', ...HEADERS.products, 'colour'];
    // Act
    const built = createRowValidator(contractOf('products'), header, { nowMs: NOW_MS });
    // Assess
    expect(built.ok).toBe(true);
    expect(built.ok ? built.notices : []).toEqual([
      {
        code: 'EXTRA_COLUMNS',
        message: 'columns kept under extra: warehouse, colour',
        columns: ['warehouse', 'colour'],
      },
    ]);
    const fields = toFields(header, validRecord('products', { warehouse: 'W1', colour: 'red' }));
    const result = built.ok ? built.validator.validate(fields, 2) : undefined;
    expect(result).toMatchObject({ ok: true, extra: { warehouse: 'W1', colour: 'red' } });
  });

  it('gives no notice when every column is known', () => {
    // Prepare
    const header = HEADERS.products;
    // Act
    const built = createRowValidator(contractOf('products'), header, { nowMs: NOW_MS });
    // Assess
    expect(built.ok ? built.notices : undefined).toEqual([]);
  });

  it('ignores a UTF-8 BOM and spaces around header names', () => {
    // Prepare
    const header = HEADERS.products.map((column, i) => (i === 0 ? `\uFEFF${column}` : ` ${column} `));
    // Act
    const built = createRowValidator(contractOf('products'), header, { nowMs: NOW_MS });
    // Assess
    expect(built.ok ? built.notices : built.fileIssues).toEqual([]);
  });
});

describe('createRowValidator: options', () => {
  it('uses the SKU pattern of the products contract', () => {
    // Prepare: the shipped contract with its sku pattern replaced in the YAML text (a function
    // replacement, as `$'` in a replacement string would insert the text after the match)
    const shipped = "pattern: '^[A-Za-z]{3}-\\d{8}$'";
    const text = contractText('products.odcs.yaml');
    const contracts = compileValid(
      thelookSources({ 'products.odcs.yaml': text.replace(shipped, () => "pattern: '^SKU\\d+$'") }),
    );
    const validator = validatorFor('products', {}, HEADERS.products, contracts.datasets.get('products'));
    const fields = (id: string, sku: string) =>
      toFields(HEADERS.products, validRecord('products', { id, sku }));
    // Act
    const custom = validator.validate(fields('1', 'SKU123'), 2);
    const standard = validator.validate(fields('2', 'eHZ-67752426'), 3);
    // Assess
    expect(custom.ok).toBe(true);
    expect(standard.ok ? [] : standard.issues.map((issue) => issue.code)).toEqual(['SKU_PATTERN_MISMATCH']);
  });

  it('uses a configured clock skew', () => {
    // Prepare
    const validator = validatorFor('orders', { futureSkewMs: 0 });
    const record = { status: 'pending', shipped_at: '', delivered_at: '', returned_at: '' };
    const fields = (orderId: string, createdAt: string) =>
      toFields(
        HEADERS.orders,
        validRecord('orders', { ...record, order_id: orderId, created_at: createdAt }),
      );
    // Act
    const atNow = validator.validate(fields('1', iso(NOW_MS)), 2);
    const justAfter = validator.validate(fields('2', iso(NOW_MS + 1)), 3);
    // Assess
    expect(atNow.ok).toBe(true);
    expect(justAfter.ok ? [] : justAfter.issues.map((issue) => issue.code)).toEqual(['CREATED_AT_IN_FUTURE']);
  });

  it.each([{ futureSkewMs: -1 }, { nowMs: Number.NaN }])('refuses invalid options %p', (options) => {
    // Prepare
    const act = () =>
      createRowValidator(contractOf('products'), HEADERS.products, { nowMs: NOW_MS, ...options });
    // Act / Assess
    expect(act).toThrow(InvalidOptionError);
  });
});
