import { type ContractProblem, compileContractSet } from '../../src/index.js';
import { compileValid, contractOf, contractText, thelookSources } from '../helpers/contracts.js';
import { HEADERS, toFields, validatorFor, validRecord } from '../helpers/factories.js';

/**
 * A shipped contract with each `[from, to]` edit applied to its text, as a `thelookSources`
 * replacement. Fails when a `from` does not occur exactly once, so an edit never silently misses.
 */
function edited(file: string, ...edits: readonly (readonly [string, string])[]): Record<string, string> {
  let text = contractText(file);
  for (const [from, to] of edits) {
    const at = text.indexOf(from);
    if (at < 0 || text.indexOf(from, at + 1) >= 0)
      throw new Error(`${file}: ${JSON.stringify(from)} is not unique`);
    text = text.slice(0, at) + to + text.slice(at + from.length);
  }
  return { [file]: text };
}

/** The problems of a set the test expects to be refused. */
function problemsOf(sources: ReturnType<typeof thelookSources>): readonly ContractProblem[] {
  const result = compileContractSet(sources);
  if (result.ok) throw new Error('the contract set was accepted');
  return result.problems;
}

/** The 1-based line of the first occurrence of `marker` in `text`. */
function lineOf(text: string, marker: string): number {
  return text.slice(0, text.indexOf(marker)).split('\n').length;
}

describe('compileContractSet: the shipped contracts', () => {
  it('compiles the three shipped contracts, one dataset each', () => {
    // Prepare
    const sources = thelookSources();
    // Act
    const result = compileContractSet(sources);
    // Assess
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { datasets } = result.contracts;
    expect(result.contracts.sources).toEqual([
      'products.odcs.yaml',
      'orders.odcs.yaml',
      'order_items.odcs.yaml',
    ]);
    expect([...datasets.keys()]).toEqual(['products', 'orders', 'order_items']);
    expect(
      [...datasets.values()].map((c) => [c.contractId, c.contractVersion, c.maxRejectedRowRatio]),
    ).toEqual([
      ['storeflow-products', '1.0.0', 0.05],
      ['storeflow-orders', '1.0.0', 0.05],
      ['storeflow-order-items', '1.0.0', 0.05],
    ]);
    expect(datasets.get('order_items')?.folderAliases).toEqual(['order-items']);
  });

  it('declares the references SPEC §3 resolves, and the business rules of each dataset', () => {
    // Prepare: the rules and references of SPEC §3
    const timeRules = [
      'CREATED_AT_IN_FUTURE',
      'SHIPPED_BEFORE_CREATED',
      'DELIVERED_BEFORE_SHIPPED',
      'RETURNED_AT_WITHOUT_RETURN',
      'RETURN_WITHOUT_RETURNED_AT',
    ];
    // Act
    const [products, orders, items] = ['products', 'orders', 'order_items'].map(contractOf);
    // Assess
    expect(products?.rules.map((rule) => rule.code)).toEqual(['COST_ABOVE_RETAIL_PRICE']);
    expect(orders?.rules.map((rule) => rule.code)).toEqual(timeRules);
    expect(items?.rules.map((rule) => rule.code)).toEqual(timeRules);
    expect(products?.relationships).toEqual([]);
    expect(orders?.relationships).toEqual([]);
    expect(items?.relationships).toEqual([
      { column: 'order_id', toDataset: 'orders', toColumn: 'order_id', code: 'UNKNOWN_ORDER' },
      { column: 'user_id', toDataset: 'orders', toColumn: 'user_id', code: 'ITEM_USER_MISMATCH' },
      { column: 'product_id', toDataset: 'products', toColumn: 'id', code: 'UNKNOWN_PRODUCT' },
    ]);
  });

  it('accepts and ignores ODCS sections and fields StoreFlow does not read', () => {
    // Prepare: team, servers and sla at the top, tags on a property and on the schema object
    const sources = thelookSources(
      edited(
        'orders.odcs.yaml',
        [
          'status: active\n',
          [
            'status: active',
            'team:',
            '  name: data-platform',
            '  members:',
            '    - username: ana',
            '      role: owner',
            'servers:',
            '  - server: production',
            '    type: s3',
            '    location: s3://storeflow-raw/orders/',
            'sla:',
            '  - property: latency',
            '    value: 4',
            '    unit: h',
            '',
          ].join('\n'),
        ],
        ['    logicalType: object\n', '    logicalType: object\n    tags: [sales]\n'],
        ['      - name: gender\n', '      - name: gender\n        tags: [pii]\n'],
      ),
    );
    // Act
    const orders = compileValid(sources).datasets.get('orders');
    // Assess
    const shipped = contractOf('orders');
    expect(orders?.columns).toEqual(shipped.columns);
    expect(orders?.keyOrdinal).toBe(shipped.keyOrdinal);
    expect(orders?.rules.map((rule) => [rule.code, rule.column, rule.expression])).toEqual(
      shipped.rules.map((rule) => [rule.code, rule.column, rule.expression]),
    );
  });
});

describe('compileContractSet: a rule written only in YAML', () => {
  // Prepare (shared): an optional order_items column `discount`, and a rule keeping it a share
  // appended after the last rule of the file
  const withColumn = edited('order_items.odcs.yaml', [
    '\n    quality:\n',
    [
      '',
      '      - name: discount',
      '        logicalType: number',
      '        required: false',
      '    quality:',
      '',
    ].join('\n'),
  ]);
  const rule = [
    '      - name: discount is a share',
    '        type: custom',
    '        engine: storeflow',
    '        implementation: discount between 0 and 1',
    '        customProperties:',
    '          - { property: code, value: DISCOUNT_OUT_OF_RANGE }',
    '',
  ].join('\n');
  const text = `${withColumn['order_items.odcs.yaml']}${rule}`;
  const contract = compileValid(thelookSources({ 'order_items.odcs.yaml': text })).datasets.get(
    'order_items',
  );
  const header = [...HEADERS.order_items, 'discount'];

  it('compiles, declaring the new code as a business code', () => {
    // Prepare: the contract above
    // Act
    const declared = contract?.codes.find((code) => code.code === 'DISCOUNT_OUT_OF_RANGE');
    // Assess
    expect(declared).toMatchObject({ kind: 'business' });
    expect(contract?.columns.find((column) => column.name === 'discount')).toMatchObject({
      kind: 'decimal',
      valueRequired: false,
      headerRequired: false,
    });
  });

  it('rejects a discount of 1.5 with DISCOUNT_OUT_OF_RANGE', () => {
    // Prepare
    const validator = validatorFor('order_items', {}, header, contract);
    const fields = toFields(header, validRecord('order_items', { discount: '1.5' }));
    // Act
    const result = validator.validate(fields, 2);
    // Assess
    expect(result.ok ? [] : result.issues).toEqual([
      expect.objectContaining({ code: 'DISCOUNT_OUT_OF_RANGE', line: 2, column: 'discount', value: '1.5' }),
    ]);
  });

  it.each(['0.25', '0', '1', ''])('accepts a discount of %j', (discount) => {
    // Prepare
    const validator = validatorFor('order_items', {}, header, contract);
    const fields = toFields(header, validRecord('order_items', { discount }));
    // Act
    const result = validator.validate(fields, 2);
    // Assess
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it('accepts a header without the column, which is not required', () => {
    // Prepare
    const fields = toFields(HEADERS.order_items, validRecord('order_items'));
    // Act
    const result = validatorFor('order_items', {}, HEADERS.order_items, contract).validate(fields, 2);
    // Assess
    expect(result.ok).toBe(true);
  });
});

describe('compileContractSet: refused sets', () => {
  describe('YAML_INVALID', () => {
    it('reports a repeated key at its line', () => {
      // Prepare
      const replace = edited('orders.odcs.yaml', ['version: 1.0.0\n', 'version: 1.0.0\nversion: 1.0.1\n']);
      const line = lineOf(contractText('orders.odcs.yaml'), 'version: 1.0.0') + 1;
      // Act
      const problems = problemsOf(thelookSources(replace));
      // Assess
      expect(problems.filter((problem) => problem.source === 'orders.odcs.yaml')).toEqual([
        expect.objectContaining({ code: 'YAML_INVALID', path: `line ${line}, column 1` }),
      ]);
    });

    it('reports bad indentation at its line', () => {
      // Prepare: one space too few before a key of the schema object
      const replace = edited('products.odcs.yaml', [
        '    physicalName: products\n',
        '   physicalName: products\n',
      ]);
      const line = lineOf(contractText('products.odcs.yaml'), '    physicalName: products');
      // Act
      const problems = problemsOf(thelookSources(replace));
      // Assess
      const own = problems.filter((problem) => problem.source === 'products.odcs.yaml');
      expect(own.length).toBeGreaterThan(0);
      expect(own.every((problem) => problem.code === 'YAML_INVALID')).toBe(true);
      expect(own.map((problem) => problem.path)).toContainEqual(
        expect.stringMatching(`^line ${line}, column \\d+$`),
      );
    });
  });

  describe('ODCS_SCHEMA', () => {
    it.each([
      [
        'a string where a boolean belongs',
        'orders.odcs.yaml',
        [
          '      - name: user_id\n        logicalType: integer\n        required: true\n',
          '      - name: user_id\n        logicalType: integer\n        required: "yes"\n',
        ],
        'schema[0].properties[1].required',
      ],
      [
        'an unknown logicalType',
        'products.odcs.yaml',
        [
          '      - name: brand\n        logicalType: string\n',
          '      - name: brand\n        logicalType: text\n',
        ],
        'schema[0].properties[5].logicalType',
      ],
      ['a wrong kind', 'orders.odcs.yaml', ['kind: DataContract\n', 'kind: DataProduct\n'], 'kind'],
      ['a missing id', 'order_items.odcs.yaml', ['id: storeflow-order-items\n', ''], '(document)'],
    ] as const)('reports %s at its path', (_label, file, edit, path) => {
      // Prepare
      const replace = edited(file, edit);
      // Act
      const problems = problemsOf(thelookSources(replace));
      // Assess
      expect(problems.filter((problem) => problem.source === file)).toEqual([
        expect.objectContaining({ code: 'ODCS_SCHEMA', path }),
      ]);
    });
  });

  describe('UNSUPPORTED_RULE', () => {
    it('refuses an sql rule on a dataset', () => {
      // Prepare: appended to the products rules, after the cost rule
      const text = `${contractText('products.odcs.yaml')}${[
        '      - name: no negative margins',
        '        type: sql',
        '        query: SELECT COUNT(*) FROM products WHERE cost > retail_price',
        '        mustBe: 0',
        '',
      ].join('\n')}`;
      // Act
      const problems = problemsOf(thelookSources({ 'products.odcs.yaml': text }));
      // Assess
      expect(problems.filter((problem) => problem.source === 'products.odcs.yaml')).toEqual([
        expect.objectContaining({ code: 'UNSUPPORTED_RULE', path: 'schema[0].quality[1]' }),
      ]);
    });

    it('refuses a library rowCount rule on a column', () => {
      // Prepare
      const replace = edited('orders.odcs.yaml', [
        '      - name: gender\n        logicalType: string\n        required: false\n',
        [
          '      - name: gender',
          '        logicalType: string',
          '        required: false',
          '        quality:',
          '          - type: library',
          '            metric: rowCount',
          '            mustBeGreaterThan: 0',
          '',
        ].join('\n'),
      ]);
      // Act
      const problems = problemsOf(thelookSources(replace));
      // Assess
      expect(problems.filter((problem) => problem.source === 'orders.odcs.yaml')).toEqual([
        expect.objectContaining({ code: 'UNSUPPORTED_RULE', path: 'schema[0].properties[8].quality[0]' }),
      ]);
    });
  });

  it('DUPLICATE_RULE_CODE: refuses two rules of a dataset with one code', () => {
    // Prepare: the fifth orders rule takes the fourth one's code
    const replace = edited('orders.odcs.yaml', [
      '{ property: code, value: RETURN_WITHOUT_RETURNED_AT }',
      '{ property: code, value: RETURNED_AT_WITHOUT_RETURN }',
    ]);
    // Act
    const problems = problemsOf(thelookSources(replace));
    // Assess
    expect(problems.filter((problem) => problem.source === 'orders.odcs.yaml')).toEqual([
      expect.objectContaining({ code: 'DUPLICATE_RULE_CODE', path: 'schema[0].quality[4]' }),
    ]);
  });

  it('DUPLICATE_COLUMN: refuses two columns with one physical name', () => {
    // Prepare
    const replace = edited('products.odcs.yaml', [
      '      - name: retail_price\n',
      '      - name: retail_price\n        physicalName: cost\n',
    ]);
    // Act
    const problems = problemsOf(thelookSources(replace));
    // Assess
    expect(problems.filter((problem) => problem.source === 'products.odcs.yaml')).toEqual([
      expect.objectContaining({ code: 'DUPLICATE_COLUMN', path: 'schema[0].properties[6]' }),
    ]);
  });

  describe('CODE_INVALID', () => {
    it.each([
      [
        'an invalidCode in lower case',
        'products.odcs.yaml',
        ['value: SKU_PATTERN_MISMATCH', 'value: sku_pattern_mismatch'],
        'schema[0].properties[1].customProperties',
      ],
      [
        'a rule code with a hyphen',
        'products.odcs.yaml',
        ['value: COST_ABOVE_RETAIL_PRICE', 'value: COST-ABOVE-RETAIL-PRICE'],
        'schema[0].quality[0].customProperties',
      ],
      [
        'a relationship without a code',
        'order_items.odcs.yaml',
        [
          '              - { property: code, value: UNKNOWN_PRODUCT }\n',
          '              - { property: note, value: x }\n',
        ],
        'schema[0].properties[3].relationships[0]',
      ],
    ] as const)('refuses %s', (_label, file, edit, path) => {
      // Prepare
      const replace = edited(file, edit);
      // Act
      const problems = problemsOf(thelookSources(replace));
      // Assess
      expect(problems.filter((problem) => problem.source === file)).toEqual([
        expect.objectContaining({ code: 'CODE_INVALID', path }),
      ]);
    });
  });

  describe('KEY_INVALID', () => {
    it.each([
      [
        'two key columns',
        'products.odcs.yaml',
        [
          '      - name: sku\n        logicalType: string\n',
          '      - name: sku\n        logicalType: string\n        unique: true\n',
        ],
      ],
      ['no key column', 'orders.odcs.yaml', ['        primaryKey: true\n        unique: true\n', '']],
      [
        'a key whose value is not required',
        'order_items.odcs.yaml',
        [
          '        required: true\n        primaryKey: true\n',
          '        required: false\n        primaryKey: true\n',
        ],
      ],
    ] as const)('refuses %s', (_label, file, edit) => {
      // Prepare
      const replace = edited(file, edit);
      // Act
      const problems = problemsOf(thelookSources(replace));
      // Assess
      expect(problems.filter((problem) => problem.source === file)).toEqual([
        expect.objectContaining({ code: 'KEY_INVALID', path: 'schema[0]' }),
      ]);
    });
  });

  it('TYPE_OPTIONS_INVALID: refuses a multipleOf other than 0.01', () => {
    // Prepare
    const replace = edited('products.odcs.yaml', [
      '{ minimum: 0, multipleOf: 0.01 }',
      '{ minimum: 0, multipleOf: 0.05 }',
    ]);
    // Act
    const problems = problemsOf(thelookSources(replace));
    // Assess
    expect(problems).toContainEqual(
      expect.objectContaining({
        code: 'TYPE_OPTIONS_INVALID',
        source: 'products.odcs.yaml',
        path: 'schema[0].properties[2].logicalTypeOptions.multipleOf',
      }),
    );
  });

  it('PATTERN_INVALID: refuses a pattern that is not a regular expression', () => {
    // Prepare: a group that is never closed
    const replace = edited('products.odcs.yaml', ["pattern: '^[A-Za-z]{3}", "pattern: '^([A-Za-z]{3}"]);
    // Act
    const problems = problemsOf(thelookSources(replace));
    // Assess
    expect(problems.filter((problem) => problem.source === 'products.odcs.yaml')).toEqual([
      expect.objectContaining({
        code: 'PATTERN_INVALID',
        path: 'schema[0].properties[1].logicalTypeOptions.pattern',
      }),
    ]);
  });

  describe('RULE_EXPRESSION_INVALID', () => {
    it('refuses an expression naming an unknown column, quoting it', () => {
      // Prepare
      const replace = edited('products.odcs.yaml', [
        'implementation: cost <= retail_price',
        'implementation: cost <= retail_prize',
      ]);
      // Act
      const problems = problemsOf(thelookSources(replace));
      // Assess
      expect(problems.filter((problem) => problem.source === 'products.odcs.yaml')).toEqual([
        expect.objectContaining({
          code: 'RULE_EXPRESSION_INVALID',
          path: 'schema[0].quality[0].implementation',
          message: expect.stringContaining('retail_prize'),
        }),
      ]);
    });

    it('refuses a rule reported against a column the dataset does not have', () => {
      // Prepare: the orders rule `shipped_at >= created_at`
      const replace = edited('orders.odcs.yaml', ['value: shipped_at }', 'value: shiped_at }']);
      // Act
      const problems = problemsOf(thelookSources(replace));
      // Assess
      expect(problems.filter((problem) => problem.source === 'orders.odcs.yaml')).toEqual([
        expect.objectContaining({
          code: 'RULE_EXPRESSION_INVALID',
          path: 'schema[0].quality[1].customProperties',
        }),
      ]);
    });
  });

  describe('RELATIONSHIP_INVALID', () => {
    it('refuses a reference to an unknown column', () => {
      // Prepare
      const replace = edited('order_items.odcs.yaml', ['to: orders.user_id', 'to: orders.nope']);
      // Act
      const problems = problemsOf(thelookSources(replace));
      // Assess
      expect(problems.map(({ code, source }) => [code, source])).toEqual(
        problems.map(() => ['RELATIONSHIP_INVALID', 'order_items.odcs.yaml']),
      );
      expect(problems).toContainEqual(
        expect.objectContaining({
          source: 'order_items.odcs.yaml',
          path: 'schema[0]',
          message: expect.stringContaining("'orders.nope'"),
        }),
      );
    });

    it('refuses a foreign key declared on the schema object instead of its property', () => {
      // Prepare
      const replace = edited('orders.odcs.yaml', [
        '    properties:\n',
        '    relationships:\n      - from: orders.user_id\n        to: orders.order_id\n    properties:\n',
      ]);
      // Act
      const problems = problemsOf(thelookSources(replace));
      // Assess
      expect(problems.filter((problem) => problem.source === 'orders.odcs.yaml')).toEqual([
        expect.objectContaining({ code: 'RELATIONSHIP_INVALID', path: 'schema[0].relationships' }),
      ]);
    });
  });

  describe('PIPELINE_COLUMNS_MISSING', () => {
    it('refuses order_items without sale_price, naming the contract file and the column', () => {
      // Prepare
      const replace = edited('order_items.odcs.yaml', [
        [
          '      - name: sale_price',
          '        logicalType: number',
          '        required: true',
          '        logicalTypeOptions: { exclusiveMinimum: 0, multipleOf: 0.01 }',
          '',
        ].join('\n'),
        '',
      ]);
      // Act
      const problems = problemsOf(thelookSources(replace));
      // Assess
      expect(problems).toEqual([
        expect.objectContaining({
          code: 'PIPELINE_COLUMNS_MISSING',
          source: 'order_items.odcs.yaml',
          path: expect.stringContaining('sale_price'),
          message: expect.stringContaining('sale_price'),
        }),
      ]);
    });

    it('refuses a sale_price that is no longer money', () => {
      // Prepare: without multipleOf 0.01 the column is a decimal, not exact cents
      const replace = edited('order_items.odcs.yaml', [
        '{ exclusiveMinimum: 0, multipleOf: 0.01 }',
        '{ exclusiveMinimum: 0 }',
      ]);
      // Act
      const problems = problemsOf(thelookSources(replace));
      // Assess
      expect(problems).toEqual([
        expect.objectContaining({ code: 'PIPELINE_COLUMNS_MISSING', source: 'order_items.odcs.yaml' }),
      ]);
    });

    it('refuses a set without one of the pipeline datasets', () => {
      // Prepare
      const sources = thelookSources().filter(({ source }) => source !== 'products.odcs.yaml');
      // Act
      const problems = problemsOf(sources);
      // Assess
      expect(problems).toContainEqual(
        expect.objectContaining({
          code: 'PIPELINE_COLUMNS_MISSING',
          message: expect.stringContaining("'products'"),
        }),
      );
    });
  });

  describe('DUPLICATE_DATASET', () => {
    it('refuses a dataset defined by two contracts', () => {
      // Prepare
      const copy = {
        source: 'orders-copy.odcs.yaml',
        text: contractText('orders.odcs.yaml').replace('id: storeflow-orders', 'id: storeflow-orders-copy'),
      };
      // Act
      const problems = problemsOf([...thelookSources(), copy]);
      // Assess
      expect(problems).toEqual([
        expect.objectContaining({
          code: 'DUPLICATE_DATASET',
          source: 'orders-copy.odcs.yaml',
          path: 'schema[0].name',
        }),
      ]);
    });

    it('refuses a folder alias that routes to two datasets', () => {
      // Prepare: products claims order_items' alias order-items
      const replace = edited('products.odcs.yaml', [
        '      - property: maxRejectedRowRatio\n        value: 0.05\n',
        '      - property: maxRejectedRowRatio\n        value: 0.05\n      - property: folderAliases\n        value: [order-items]\n',
      ]);
      // Act
      const problems = problemsOf(thelookSources(replace));
      // Assess
      expect(problems).toEqual([
        expect.objectContaining({
          code: 'DUPLICATE_DATASET',
          source: expect.stringMatching(/\.odcs\.yaml$/),
          message: expect.stringContaining("'order-items'"),
        }),
      ]);
    });
  });

  describe('every problem at once', () => {
    it('reports every ODCS schema problem of one document, each with its source and path', () => {
      // Prepare: three mistakes the ODCS schema catches
      const replace = edited(
        'products.odcs.yaml',
        ['kind: DataContract\n', 'kind: DataProduct\n'],
        [
          '      - name: brand\n        logicalType: string\n',
          '      - name: brand\n        logicalType: text\n',
        ],
        [
          '      - name: distribution_center_id\n        logicalType: integer\n        required: false\n',
          '      - name: distribution_center_id\n        logicalType: integer\n        required: maybe\n',
        ],
      );
      // Act
      const problems = problemsOf(thelookSources(replace));
      // Assess
      const own = problems.filter((problem) => problem.source === 'products.odcs.yaml');
      expect(own.map(({ code, path }) => [code, path]).sort()).toEqual(
        [
          ['ODCS_SCHEMA', 'kind'],
          ['ODCS_SCHEMA', 'schema[0].properties[5].logicalType'],
          ['ODCS_SCHEMA', 'schema[0].properties[8].required'],
        ].sort(),
      );
    });

    it("reports StoreFlow's checks of one document all together, each with its source and path", () => {
      // Prepare: four independent mistakes in products that the ODCS schema admits
      const replace = edited(
        'products.odcs.yaml',
        ["pattern: '^[A-Za-z]{3}", "pattern: '^([A-Za-z]{3}"],
        [
          '{ property: invalidCode, value: REQUIRED_TEXT_BLANK }\n      - name: name',
          '{ property: invalidCode, value: blank }\n      - name: name',
        ],
        ['implementation: cost <= retail_price', 'implementation: cost <= retail_prize'],
        [
          '      - name: distribution_center_id\n',
          '      - name: distribution_center_id\n        unique: true\n',
        ],
      );
      // Act
      const problems = problemsOf(thelookSources(replace));
      // Assess
      const own = problems.filter((problem) => problem.source === 'products.odcs.yaml');
      expect(own.length).toBeGreaterThanOrEqual(3);
      expect(own.map((problem) => problem.code).sort()).toEqual(
        ['CODE_INVALID', 'KEY_INVALID', 'PATTERN_INVALID', 'RULE_EXPRESSION_INVALID'].sort(),
      );
      for (const problem of own) {
        expect(problem.path).not.toBe('');
        expect(problem.message).not.toBe('');
      }
    });

    it('reports the problems of every document of the set', () => {
      // Prepare: one mistake in each contract
      const sources = thelookSources({
        ...edited('products.odcs.yaml', ["pattern: '^[A-Za-z]{3}", "pattern: '^([A-Za-z]{3}"]),
        ...edited('orders.odcs.yaml', ['version: 1.0.0\n', 'version: 1.0.0\nversion: 1.0.1\n']),
        ...edited('order_items.odcs.yaml', [
          '{ property: code, value: RETURN_WITHOUT_RETURNED_AT }',
          '{ property: code, value: RETURNED_AT_WITHOUT_RETURN }',
        ]),
      });
      // Act
      const problems = problemsOf(sources);
      // Assess
      expect(problems).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ code: 'PATTERN_INVALID', source: 'products.odcs.yaml' }),
          expect.objectContaining({ code: 'YAML_INVALID', source: 'orders.odcs.yaml' }),
          expect.objectContaining({ code: 'DUPLICATE_RULE_CODE', source: 'order_items.odcs.yaml' }),
        ]),
      );
    });
  });
});
