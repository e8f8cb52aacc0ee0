import type { ContractSet, DatasetContract } from '@storeflow/core';
import { type ContractChange, diffContractSets, unbumpedVersions } from '../src/contractDiff.js';
import { type ContractEdit, compileEdited, returnsContract } from './contractFixtures.js';

// Every set below is compiled by the real compileContractSet from the shipped YAML, edited as
// text the way someone would edit the file, so the diff is tested against what the validator runs.
const SHIPPED = compileEdited();

function diffAfter(edits: readonly ContractEdit[]): ContractChange[] {
  return diffContractSets(SHIPPED, compileEdited(edits));
}

/** The products contract with its `sku` column's pattern replaced. */
const skuPattern = (pattern: string): ContractEdit => ({
  file: 'products.odcs.yaml',
  from: "pattern: '^[A-Za-z]{3}-\\d{8}$'",
  to: `pattern: '${pattern}'`,
});

const ORDER_STATUSES =
  'validValues: [pending, processing, shipped, delivered, complete, returned, cancelled]';
const GENDER = `      - name: gender
        logicalType: string
        required: false`;
const DISTRIBUTION_CENTER = `      - name: distribution_center_id
        logicalType: integer
        required: false`;

describe('diffContractSets', () => {
  it('finds nothing between a set and itself, or the same files compiled twice', () => {
    // Act
    const same = diffContractSets(SHIPPED, SHIPPED);
    const again = diffContractSets(SHIPPED, compileEdited());

    // Assess
    expect(same).toEqual([]);
    expect(again).toEqual([]);
    expect(unbumpedVersions(SHIPPED, SHIPPED, same)).toEqual([]);
  });

  describe('column checks', () => {
    it('reclassifies a changed pattern, with both patterns', () => {
      // Act
      const changes = diffAfter([skuPattern('^[A-Z]{3}-\\d{8}$')]);

      // Assess
      expect(changes).toEqual([
        {
          dataset: 'products',
          kind: 'pattern',
          subject: 'column sku',
          detail: 'pattern changed: ^[A-Za-z]{3}-\\d{8}$ → ^[A-Z]{3}-\\d{8}$',
          impact: 'reclassifies',
          before: '^[A-Za-z]{3}-\\d{8}$',
          after: '^[A-Z]{3}-\\d{8}$',
        },
      ]);
    });

    it('says whether a range was tightened, loosened or moved, money bounds in cents', () => {
      // Act
      const tightened = diffAfter([
        {
          file: 'products.odcs.yaml',
          from: '{ minimum: 0, multipleOf: 0.01 }',
          to: '{ exclusiveMinimum: 0, multipleOf: 0.01 }',
        },
      ]);
      const loosened = diffAfter([
        { file: 'orders.odcs.yaml', from: '{ minimum: 1, maximum: 999999999 }', to: '{ minimum: 1 }' },
      ]);
      const moved = diffAfter([
        {
          file: 'orders.odcs.yaml',
          from: '{ minimum: 1, maximum: 999999999 }',
          to: '{ minimum: 2, maximum: 9999999999 }',
        },
      ]);
      const capped = diffAfter([
        {
          file: 'products.odcs.yaml',
          from: '{ minimum: 0, multipleOf: 0.01 }',
          to: '{ minimum: 0, maximum: 10000.5, multipleOf: 0.01 }',
        },
      ]);

      // Assess
      expect(tightened).toEqual([
        {
          dataset: 'products',
          kind: 'range',
          subject: 'column cost',
          detail: 'range tightened: >= 0 → > 0',
          impact: 'reclassifies',
          before: { minimum: 0 },
          after: { exclusiveMinimum: 0 },
        },
      ]);
      expect(loosened).toMatchObject([
        { subject: 'column num_of_item', detail: 'range loosened: >= 1 and <= 999999999 → >= 1' },
      ]);
      expect(moved).toMatchObject([
        { detail: 'range changed: >= 1 and <= 999999999 → >= 2 and <= 9999999999' },
      ]);
      expect(capped).toMatchObject([
        { detail: 'range tightened: >= 0 → >= 0 and <= 10000.5', after: { minimum: 0, maximum: 1000050 } },
      ]);
    });

    it('reclassifies allowed values removed (tightened), added (loosened) or both, ignoring their order', () => {
      // Act
      const removed = diffAfter([
        {
          file: 'orders.odcs.yaml',
          from: ORDER_STATUSES,
          to: 'validValues: [pending, processing, shipped, delivered, complete, returned]',
        },
      ]);
      const added = diffAfter([
        { file: 'orders.odcs.yaml', from: ORDER_STATUSES, to: ORDER_STATUSES.replace(']', ', on_hold]') },
      ]);
      const both = diffAfter([
        {
          file: 'orders.odcs.yaml',
          from: ORDER_STATUSES,
          to: 'validValues: [pending, processing, shipped, delivered, complete, returned, refunded]',
        },
      ]);
      const reordered = diffAfter([
        {
          file: 'orders.odcs.yaml',
          from: ORDER_STATUSES,
          to: 'validValues: [cancelled, returned, complete, delivered, shipped, processing, pending]',
        },
      ]);

      // Assess
      expect(removed).toMatchObject([
        {
          dataset: 'orders',
          kind: 'values',
          subject: 'column status',
          detail: 'allowed values tightened: removed cancelled',
          impact: 'reclassifies',
          after: ['pending', 'processing', 'shipped', 'delivered', 'complete', 'returned'],
        },
      ]);
      expect(added).toMatchObject([
        { detail: 'allowed values loosened: added on_hold', impact: 'reclassifies' },
      ]);
      expect(both).toMatchObject([
        { detail: 'allowed values changed: removed cancelled; added refunded', impact: 'reclassifies' },
      ]);
      expect(reordered).toEqual([]);
    });

    it('reclassifies case sensitivity turned on or off', () => {
      // Act
      const changes = diffAfter([
        {
          file: 'orders.odcs.yaml',
          from: '{ property: caseInsensitive, value: true }',
          to: '{ property: caseInsensitive, value: false }',
        },
      ]);

      // Assess
      expect(changes).toEqual([
        expect.objectContaining({
          kind: 'case-insensitive',
          subject: 'column status',
          detail: 'values now compared case-sensitively (tightened)',
          impact: 'reclassifies',
          before: true,
          after: false,
        }),
      ]);
    });

    it('reclassifies a column made required, or relaxed from required header to optional', () => {
      // Act
      const required = diffAfter([
        { file: 'orders.odcs.yaml', from: GENDER, to: GENDER.replace('required: false', 'required: true') },
      ]);
      const relaxed = diffAfter([
        {
          file: 'products.odcs.yaml',
          from: '          - { property: headerRequired, value: true }',
          to: '          - { property: headerRequired, value: false }',
        },
      ]);

      // Assess
      expect(required).toEqual([
        {
          dataset: 'orders',
          kind: 'required',
          subject: 'column gender',
          detail: 'made stricter: optional → required',
          impact: 'reclassifies',
          before: 'optional',
          after: 'required',
        },
      ]);
      expect(relaxed).toMatchObject([
        { subject: 'column brand', detail: 'relaxed: header required → optional', impact: 'reclassifies' },
      ]);
    });

    it('reclassifies a changed kind, and a physical name whose old header no longer matches', () => {
      // Act
      const kind = diffAfter([
        {
          file: 'products.odcs.yaml',
          from: DISTRIBUTION_CENTER,
          to: DISTRIBUTION_CENTER.replace('logicalType: integer', 'logicalType: number'),
        },
      ]);
      const physical = diffAfter([
        {
          file: 'orders.odcs.yaml',
          from: GENDER,
          to: GENDER.replace('logicalType', 'physicalName: sex\n        logicalType'),
        },
      ]);

      // Assess
      expect(kind).toEqual([
        expect.objectContaining({
          kind: 'column-kind',
          subject: 'column distribution_center_id',
          detail: 'kind changed: integer → decimal',
          impact: 'reclassifies',
        }),
      ]);
      expect(physical).toEqual([
        expect.objectContaining({
          kind: 'physical-name',
          subject: 'column gender',
          detail: 'physical name changed: gender → sex (files with the old header no longer match)',
          impact: 'reclassifies',
          before: 'gender',
          after: 'sex',
        }),
      ]);
    });

    it('reclassifies length bounds, tightened or loosened', () => {
      // Prepare
      const withLength = compileEdited([
        {
          file: 'orders.odcs.yaml',
          from: GENDER,
          to: `${GENDER}\n        logicalTypeOptions: { maxLength: 10 }`,
        },
      ]);

      // Act
      const added = diffContractSets(SHIPPED, withLength);
      const changed = diffContractSets(
        withLength,
        compileEdited([
          {
            file: 'orders.odcs.yaml',
            from: GENDER,
            to: `${GENDER}\n        logicalTypeOptions: { minLength: 1, maxLength: 20 }`,
          },
        ]),
      );

      // Assess
      expect(added).toMatchObject([
        {
          kind: 'max-length',
          detail: 'maximum length tightened: none → 10',
          impact: 'reclassifies',
          after: 10,
        },
      ]);
      expect(changed).toMatchObject([
        { kind: 'min-length', detail: 'minimum length tightened: none → 1' },
        { kind: 'max-length', detail: 'maximum length loosened: 10 → 20' },
      ]);
    });

    it('classifies a renamed invalid code as a reports change: verdicts stay, reports say another code', () => {
      // Act
      const changes = diffAfter([
        { file: 'products.odcs.yaml', from: 'value: SKU_PATTERN_MISMATCH', to: 'value: SKU_INVALID' },
      ]);

      // Assess
      expect(changes).toEqual([
        {
          dataset: 'products',
          kind: 'invalid-code',
          subject: 'column sku',
          detail: 'invalid code renamed: SKU_PATTERN_MISMATCH → SKU_INVALID',
          impact: 'reports',
          before: 'SKU_PATTERN_MISMATCH',
          after: 'SKU_INVALID',
        },
      ]);
    });
  });

  describe('columns added, removed, renamed and reordered', () => {
    const addToOrders = (column: string): ContractEdit => ({
      file: 'orders.odcs.yaml',
      from: GENDER,
      to: `${GENDER}\n${column}`,
    });

    it('reclassifies a column added as required: files without its header are rejected', () => {
      // Act
      const changes = diffAfter([
        addToOrders('      - name: channel\n        logicalType: string\n        required: true'),
      ]);

      // Assess
      expect(changes).toEqual([
        {
          dataset: 'orders',
          kind: 'column-added',
          subject: 'column channel',
          detail: 'added, required: files without a channel header are now rejected',
          impact: 'reclassifies',
          after: 'channel: string, required',
        },
      ]);
    });

    it('reclassifies an optional column that checks its values, which files may have carried as an extra column', () => {
      // Act
      const changes = diffAfter([
        addToOrders('      - name: coupon_id\n        logicalType: integer\n        required: false'),
      ]);

      // Assess
      expect(changes).toMatchObject([
        {
          kind: 'column-added',
          detail:
            'added, optional integer: files that carried coupon_id as an extra column now have its values checked',
          impact: 'reclassifies',
        },
      ]);
    });

    it('calls an optional column that checks nothing compatible', () => {
      // Act
      const changes = diffAfter([
        addToOrders('      - name: channel\n        logicalType: string\n        required: false'),
      ]);

      // Assess
      expect(changes).toEqual([
        expect.objectContaining({
          kind: 'column-added',
          detail: 'added, optional, values unchecked',
          impact: 'compatible',
        }),
      ]);
    });

    it('classifies a removed column by what it checked: a required header, values, or nothing', () => {
      // Prepare: gender, required in the header, is a column the pipeline does not need.
      const headerRequired = compileEdited([
        {
          file: 'orders.odcs.yaml',
          from: GENDER,
          to: `${GENDER}\n        customProperties:\n          - { property: headerRequired, value: true }`,
        },
      ]);
      const withoutGender = compileEdited([{ file: 'orders.odcs.yaml', from: `${GENDER}\n`, to: '' }]);

      // Act
      const header = diffContractSets(headerRequired, withoutGender);
      const unchecked = diffContractSets(SHIPPED, withoutGender);
      const checked = diffAfter([
        {
          file: 'products.odcs.yaml',
          from: `${DISTRIBUTION_CENTER}
        logicalTypeOptions: { minimum: 1 }
        customProperties:
          - { property: invalidCode, value: ID_NOT_POSITIVE_INTEGER }
`,
          to: '',
        },
      ]);

      // Assess
      expect(header).toEqual([
        {
          dataset: 'orders',
          kind: 'column-removed',
          subject: 'column gender',
          detail: 'removed, was header required: files without a gender header are no longer rejected',
          impact: 'reclassifies',
          before: 'gender: string, header required',
        },
      ]);
      expect(unchecked).toMatchObject([
        {
          kind: 'column-removed',
          detail: 'removed, was optional and unchecked: silver no longer has it (kept as an extra column)',
          impact: 'reports',
        },
      ]);
      expect(checked).toMatchObject([
        {
          subject: 'column distribution_center_id',
          detail:
            'removed, was an optional integer: its values are no longer checked (kept as an extra column)',
          impact: 'reclassifies',
        },
      ]);
    });

    it('pairs a removed and an added column reading the same header as one logical rename', () => {
      // Act
      const changes = diffAfter([
        {
          file: 'orders.odcs.yaml',
          from: GENDER,
          to: GENDER.replace('name: gender', 'name: customer_gender\n        physicalName: gender'),
        },
      ]);

      // Assess
      expect(changes).toEqual([
        {
          dataset: 'orders',
          kind: 'column-renamed',
          subject: 'column customer_gender',
          detail: 'renamed from gender (same header gender): silver, rules and reports use the new name',
          impact: 'reports',
          before: 'gender',
          after: 'customer_gender',
        },
      ]);
    });

    it('calls a new column order compatible: headers are matched by name', () => {
      // Act: gender moves from last to first.
      const changes = diffAfter([
        { file: 'orders.odcs.yaml', from: `${GENDER}\n`, to: '' },
        {
          file: 'orders.odcs.yaml',
          from: '    properties:\n      - name: order_id',
          to: `    properties:\n${GENDER}\n      - name: order_id`,
        },
      ]);

      // Assess
      const columns = [
        'order_id',
        'user_id',
        'status',
        'created_at',
        'num_of_item',
        'returned_at',
        'shipped_at',
        'delivered_at',
      ];
      expect(changes).toEqual([
        {
          dataset: 'orders',
          kind: 'column-order',
          subject: 'column order',
          detail: 'changed (headers are matched by name, so files are read the same)',
          impact: 'compatible',
          before: [...columns, 'gender'],
          after: ['gender', ...columns],
        },
      ]);
    });
  });

  describe('rules', () => {
    const COST_RULE = 'implementation: cost <= retail_price';

    it('reclassifies a changed expression, an added rule and a removed rule', () => {
      // Prepare
      const added = `      - name: sale within price
        type: custom
        engine: storeflow
        implementation: cost < retail_price
        customProperties:
          - { property: code, value: COST_NOT_BELOW_RETAIL_PRICE }
`;

      // Act
      const expression = diffAfter([
        { file: 'products.odcs.yaml', from: COST_RULE, to: 'implementation: cost < retail_price' },
      ]);
      const addedRule = diffAfter([
        { file: 'products.odcs.yaml', from: '    quality:\n', to: `    quality:\n${added}` },
      ]);
      const removedRule = diffAfter([
        {
          file: 'orders.odcs.yaml',
          from: `      - name: created_at not in the future
        type: custom
        engine: storeflow
        implementation: created_at <= now
        description: created_at <= now + allowed clock skew
        customProperties:
          - { property: code, value: CREATED_AT_IN_FUTURE }
`,
          to: '',
        },
      ]);

      // Assess
      expect(expression).toEqual([
        {
          dataset: 'products',
          kind: 'rule-expression',
          subject: 'rule COST_ABOVE_RETAIL_PRICE',
          detail: 'expression changed: cost <= retail_price → cost < retail_price',
          impact: 'reclassifies',
          before: 'cost <= retail_price',
          after: 'cost < retail_price',
        },
      ]);
      expect(addedRule).toEqual([
        expect.objectContaining({
          kind: 'rule-added',
          subject: 'rule COST_NOT_BELOW_RETAIL_PRICE',
          impact: 'reclassifies',
          after: 'cost < retail_price',
        }),
      ]);
      expect(removedRule).toEqual([
        expect.objectContaining({
          dataset: 'orders',
          kind: 'rule-removed',
          subject: 'rule CREATED_AT_IN_FUTURE',
          detail: 'removed: created_at <= now (rows rejected only by it now pass)',
          impact: 'reclassifies',
        }),
      ]);
    });

    it('pairs a rule whose code changed but whose expression did not as a rename, a reports change', () => {
      // Act
      const changes = diffAfter([
        {
          file: 'products.odcs.yaml',
          from: 'value: COST_ABOVE_RETAIL_PRICE',
          to: 'value: COST_EXCEEDS_PRICE',
        },
      ]);

      // Assess
      expect(changes).toEqual([
        {
          dataset: 'products',
          kind: 'rule-renamed',
          subject: 'rule COST_EXCEEDS_PRICE',
          detail: 'code renamed from COST_ABOVE_RETAIL_PRICE (same expression cost <= retail_price)',
          impact: 'reports',
          before: 'COST_ABOVE_RETAIL_PRICE',
          after: 'COST_EXCEEDS_PRICE',
        },
      ]);
    });

    it('classifies the column a rule is reported against, and its wording, as reports changes', () => {
      // Act
      const changes = diffAfter([
        {
          file: 'products.odcs.yaml',
          from: '          - { property: column, value: cost }',
          to: '          - { property: column, value: retail_price }',
        },
        {
          file: 'products.odcs.yaml',
          from: 'description: cost <= retail_price',
          to: 'description: cost is at most the retail price',
        },
      ]);

      // Assess
      expect(changes).toEqual([
        expect.objectContaining({
          kind: 'rule-column',
          detail: 'reported against another column: cost → retail_price',
          impact: 'reports',
        }),
        expect.objectContaining({
          kind: 'rule-description',
          detail: 'wording in reports changed: cost <= retail_price → cost is at most the retail price',
          impact: 'reports',
        }),
      ]);
    });
  });

  describe('datasets, folders, threshold, key and contract', () => {
    it('reclassifies a lowered or raised rejected-row threshold', () => {
      // Act
      const lowered = diffAfter([{ file: 'orders.odcs.yaml', from: 'value: 0.05', to: 'value: 0.02' }]);
      const raised = diffAfter([{ file: 'orders.odcs.yaml', from: 'value: 0.05', to: 'value: 0.1' }]);

      // Assess
      expect(lowered).toEqual([
        {
          dataset: 'orders',
          kind: 'max-rejected-row-ratio',
          subject: 'rejected-row threshold',
          detail: 'lowered (tightened): 0.05 → 0.02',
          impact: 'reclassifies',
          before: 0.05,
          after: 0.02,
        },
      ]);
      expect(raised).toMatchObject([{ detail: 'raised (loosened): 0.05 → 0.1', impact: 'reclassifies' }]);
    });

    it('reclassifies a folder alias added or removed: files there are routed differently', () => {
      // Act
      const added = diffAfter([
        { file: 'order_items.odcs.yaml', from: 'value: [order-items]', to: 'value: [order-items, items]' },
      ]);
      const removed = diffAfter([
        { file: 'order_items.odcs.yaml', from: 'value: [order-items]', to: 'value: []' },
      ]);

      // Assess
      expect(added).toEqual([
        {
          dataset: 'order_items',
          kind: 'folder-added',
          subject: 'folders',
          detail: 'raw/items/ added: its files are now routed to order_items',
          impact: 'reclassifies',
          after: 'items',
        },
      ]);
      expect(removed).toMatchObject([
        {
          kind: 'folder-removed',
          detail: 'raw/order-items/ removed: its files are no longer routed to order_items',
        },
      ]);
    });

    it('reclassifies a dataset added or removed, and a changed key', () => {
      // Prepare
      const withReturns = compileEdited([], [returnsContract()]);

      // Act
      const added = diffContractSets(SHIPPED, withReturns);
      const removed = diffContractSets(withReturns, SHIPPED);
      const key = diffContractSets(
        withReturns,
        compileEdited([], [returnsContract({ key: 'order_id', version: '2.0.0' })]),
      );

      // Assess
      expect(added).toEqual([
        {
          dataset: 'returns',
          kind: 'dataset-added',
          subject: 'dataset',
          detail: 'added (storeflow-returns@1.0.0): files under raw/returns/ are now validated against it',
          impact: 'reclassifies',
          after: 'storeflow-returns',
        },
      ]);
      expect(removed).toEqual([
        expect.objectContaining({ dataset: 'returns', kind: 'dataset-removed', impact: 'reclassifies' }),
      ]);
      expect(key).toEqual([
        expect.objectContaining({ kind: 'contract-version', impact: 'compatible' }),
        {
          dataset: 'returns',
          kind: 'key',
          subject: 'key',
          detail: 'changed: return_id → order_id (duplicate keys are found on another column)',
          impact: 'reclassifies',
          before: 'return_id',
          after: 'order_id',
        },
      ]);
    });

    it('calls a version bump compatible and a new contract id a reports change', () => {
      // Act
      const changes = diffAfter([
        { file: 'orders.odcs.yaml', from: 'version: 1.0.0', to: 'version: 1.1.0' },
        { file: 'products.odcs.yaml', from: 'id: storeflow-products', to: 'id: shop-products' },
      ]);

      // Assess
      expect(changes).toEqual([
        {
          dataset: 'orders',
          kind: 'contract-version',
          subject: 'contract',
          detail: 'version changed: 1.0.0 → 1.1.0',
          impact: 'compatible',
          before: '1.0.0',
          after: '1.1.0',
        },
        expect.objectContaining({
          dataset: 'products',
          kind: 'contract-id',
          detail: 'id changed: storeflow-products → shop-products (reports record it)',
          impact: 'reports',
        }),
      ]);
    });
  });

  describe('relationships', () => {
    // compileContractSet accepts exactly the references the validator resolves, so no two valid
    // sets differ in them today; the compiled contract is changed as a value to cover the diff.
    function withItems(change: (items: DatasetContract) => DatasetContract): ContractSet {
      const datasets = new Map(SHIPPED.datasets);
      const items = datasets.get('order_items');
      if (items === undefined) throw new Error('no order_items contract');
      datasets.set('order_items', change(items));
      return { ...SHIPPED, datasets };
    }

    it('reclassifies a reference added or removed, and calls a renamed code a reports change', () => {
      // Prepare
      const withoutUser = withItems((items) => ({
        ...items,
        relationships: items.relationships.filter((spec) => spec.column !== 'user_id'),
      }));
      const renamed = withItems((items) => ({
        ...items,
        relationships: items.relationships.map((spec) =>
          spec.code === 'UNKNOWN_ORDER' ? { ...spec, code: 'ORDER_NOT_FOUND' } : spec,
        ),
      }));

      // Act
      const removed = diffContractSets(SHIPPED, withoutUser);
      const added = diffContractSets(withoutUser, SHIPPED);
      const code = diffContractSets(SHIPPED, renamed);

      // Assess
      expect(removed).toEqual([
        {
          dataset: 'order_items',
          kind: 'relationship-removed',
          subject: 'relationship user_id → orders.user_id',
          detail: 'removed (ITEM_USER_MISMATCH): user_id is no longer resolved',
          impact: 'reclassifies',
          before: 'ITEM_USER_MISMATCH',
        },
      ]);
      expect(added).toMatchObject([
        {
          kind: 'relationship-added',
          subject: 'relationship user_id → orders.user_id',
          impact: 'reclassifies',
        },
      ]);
      expect(code).toMatchObject([
        {
          kind: 'relationship-code',
          subject: 'relationship order_id → orders.order_id',
          detail: 'code renamed: UNKNOWN_ORDER → ORDER_NOT_FOUND',
          impact: 'reports',
        },
      ]);
    });
  });

  it('lists every change of an edit touching several datasets, dataset by dataset', () => {
    // Act
    const changes = diffAfter([
      skuPattern('^[A-Z]{3}-\\d{8}$'),
      { file: 'orders.odcs.yaml', from: 'value: 0.05', to: 'value: 0.02' },
      { file: 'order_items.odcs.yaml', from: 'value: [order-items]', to: 'value: []' },
    ]);

    // Assess
    expect(changes.map(({ dataset, kind }) => `${dataset}:${kind}`)).toEqual([
      'order_items:folder-removed',
      'orders:max-rejected-row-ratio',
      'products:pattern',
    ]);
  });
});

describe('unbumpedVersions', () => {
  it('names a contract whose content changed while its version stayed', () => {
    // Prepare
    const next = compileEdited([skuPattern('^[A-Z]{3}-\\d{8}$')]);

    // Act
    const unbumped = unbumpedVersions(SHIPPED, next, diffContractSets(SHIPPED, next));

    // Assess
    expect(unbumped).toEqual([
      { contractId: 'storeflow-products', version: '1.0.0', datasets: ['products'] },
    ]);
  });

  it('says nothing of a contract whose version was bumped, of a bump alone, or of a new contract', () => {
    // Prepare
    const bumped = compileEdited([
      skuPattern('^[A-Z]{3}-\\d{8}$'),
      { file: 'products.odcs.yaml', from: 'version: 1.0.0', to: 'version: 1.0.1' },
    ]);
    const bumpOnly = compileEdited([
      { file: 'orders.odcs.yaml', from: 'version: 1.0.0', to: 'version: 2.0.0' },
    ]);
    const withReturns = compileEdited([], [returnsContract()]);

    // Act
    const outcomes = [bumped, bumpOnly, withReturns].map((next) =>
      unbumpedVersions(SHIPPED, next, diffContractSets(SHIPPED, next)),
    );

    // Assess
    expect(outcomes).toEqual([[], [], []]);
  });
});
