import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContractInvalidError } from '@storeflow/core';
import { DEFAULT_CONTRACTS_DIR } from '@storeflow/runtime';
import {
  createPipeline,
  type Pipeline,
  readJsonLines,
  readText,
  startValidator,
  upload,
  validatorOnEmbeddedStack,
  waitForStatus,
} from './harness.js';

const suite = validatorOnEmbeddedStack();
const { withPipeline } = suite;

const SHIPPED = ['products.odcs.yaml', 'orders.odcs.yaml', 'order_items.odcs.yaml'];

/** A directory with the shipped contracts, `edit` applied to the text of each. */
function contractsDir(edit: (file: string, text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'storeflow-contracts-'));
  for (const file of SHIPPED) {
    const text = readFileSync(join(DEFAULT_CONTRACTS_DIR, file), 'utf8');
    writeFileSync(join(dir, file), edit(file, text));
  }
  return dir;
}

/** Replaces `from` in a contract's text, failing when it is not there (the edit would be a no-op). */
function replaced(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`contract text lacks ${from}`);
  return text.replace(from, to);
}

const PRODUCTS = [
  'id,sku,cost,category,name,brand,retail_price,department',
  '1,ABC-00000001,10.00,Jeans,J,Acme,50.00,Men',
  '2,ABC-00000002,3.10,Tops,T,Acme,7.45,Women',
];
const ORDERS = [
  'order_id,user_id,status,created_at,num_of_item,returned_at',
  '7,10,complete,2025-03-08T10:00:00,2,',
  '8,11,returned,2025-03-09T09:00:00,1,2025-03-12T10:00:00',
];
// Shipped and returned_at left out: the items are complete or returned without dates, and the
// returned one carries returned_at as the rule needs.
const ITEMS = [
  { id: 1, order: 7, user: 10, product: 1, status: 'complete', price: '45.00', returnedAt: '' },
  { id: 2, order: 7, user: 10, product: 2, status: 'complete', price: '7.45', returnedAt: '' },
  {
    id: 3,
    order: 8,
    user: 11,
    product: 1,
    status: 'returned',
    price: '50.00',
    returnedAt: '2025-03-12T10:00:00',
  },
];

async function loadReferences(pipeline: Pipeline): Promise<void> {
  for (const [key, lines] of [
    ['raw/products/p.csv', PRODUCTS],
    ['raw/orders/o.csv', ORDERS],
  ] as const) {
    const tag = await upload(pipeline, key, lines.join('\n'));
    expect(await waitForStatus(pipeline, key, tag)).toMatchObject({ verdict: 'ACCEPTED' });
  }
}

/** Silver order_items without what differs by upload (`_version`) or by design (`extra`). */
async function silverItems(pipeline: Pipeline): Promise<Record<string, unknown>[]> {
  const rows = await readJsonLines(pipeline, 'silver/order_items/');
  return rows.map(({ _version, extra, ...row }) => row).sort((a, b) => (a.id as number) - (b.id as number));
}

describe('data contracts on the embedded stack', () => {
  it('validates a mapped export (price for sale_price, an extra currency column) into the same silver rows, keeping currency', async () => {
    // Prepare: the same three items, once as the shipped contract names them, once as an export
    // that calls the price `price`, puts it last and adds a currency
    const plain = [
      'id,order_id,user_id,product_id,status,created_at,sale_price,returned_at',
      ...ITEMS.map(
        (i) =>
          `${i.id},${i.order},${i.user},${i.product},${i.status},2025-03-08T10:00:00,${i.price},${i.returnedAt}`,
      ),
    ];
    const mapped = [
      'id,order_id,user_id,product_id,status,created_at,returned_at,currency,price',
      ...ITEMS.map(
        (i) =>
          `${i.id},${i.order},${i.user},${i.product},${i.status},2025-03-08T10:00:00,${i.returnedAt},EUR,${i.price}`,
      ),
    ];
    const mappedDir = contractsDir((file, text) =>
      file === 'order_items.odcs.yaml'
        ? replaced(
            text,
            '      - name: sale_price\n',
            '      - name: sale_price\n        physicalName: price\n',
          )
        : text,
    );
    let expected: Record<string, unknown>[] = [];
    await withPipeline({}, async (pipeline) => {
      await loadReferences(pipeline);
      const tag = await upload(pipeline, 'raw/order_items/plain.csv', plain.join('\n'));
      expect(await waitForStatus(pipeline, 'raw/order_items/plain.csv', tag)).toMatchObject({
        verdict: 'ACCEPTED',
        rowsAccepted: 3,
      });
      expected = await silverItems(pipeline);
    });

    await withPipeline({ VALIDATOR_CONTRACTS: mappedDir }, async (pipeline) => {
      await loadReferences(pipeline);

      // Act
      const key = 'raw/order_items/mapped.csv';
      const tag = await upload(pipeline, key, mapped.join('\n'));
      const record = await waitForStatus(pipeline, key, tag);

      // Assess: accepted whole; silver equal to the unmapped run's, row for row, in cents as the
      // spec converts them (45.00 → 4500); currency kept under extra, announced once
      expect(record).toMatchObject({ verdict: 'ACCEPTED', rowsAccepted: 3, rowsRejected: 0 });
      expect(await silverItems(pipeline)).toEqual(expected);
      expect(expected.map((row) => row.sale_price_cents)).toEqual([4500, 745, 5000]);
      const raw = await readJsonLines(pipeline, 'silver/order_items/');
      expect(raw.map((row) => row.extra)).toEqual([
        { currency: 'EUR' },
        { currency: 'EUR' },
        { currency: 'EUR' },
      ]);
      const report = JSON.parse(await readText(pipeline, record.reportKey ?? ''));
      expect(report.notices).toEqual([
        expect.objectContaining({ code: 'EXTRA_COLUMNS', columns: ['currency'] }),
      ]);
      expect(report.contract).toEqual({ id: 'storeflow-order-items', version: '1.0.0' });
    });
  });

  it('rejects the rows that break a rule added in YAML alone, under its own code', async () => {
    // Prepare: order_items gains an optional discount column and a rule on it
    const dir = contractsDir((file, text) => {
      if (file !== 'order_items.odcs.yaml') return text;
      const withColumn = replaced(
        text,
        '      - name: inventory_item_id\n',
        '      - name: discount\n        logicalType: number\n        required: false\n      - name: inventory_item_id\n',
      );
      return replaced(
        withColumn,
        '\n    quality:\n',
        [
          '',
          '    quality:',
          '      - name: discount is a share',
          '        type: custom',
          '        engine: storeflow',
          '        implementation: discount between 0 and 1',
          '        customProperties:',
          '          - { property: code, value: DISCOUNT_OUT_OF_RANGE }',
          '',
        ].join('\n'),
      );
    });
    // 1.5 and -0.1 are outside [0, 1]; 0, 0.25, 1 and an empty discount are inside or absent
    const discounts = ['0.25', '1.5', '', '-0.1', '1', '0'];
    const outside = discounts.filter(
      (value) => value !== '' && !(Number(value) >= 0 && Number(value) <= 1),
    ).length;
    const lines = [
      'id,order_id,user_id,product_id,status,created_at,sale_price,discount',
      ...discounts.map(
        (discount, index) => `${index + 1},7,10,1,complete,2025-03-08T10:00:00,45.00,${discount}`,
      ),
    ];
    await withPipeline(
      { VALIDATOR_CONTRACTS: dir, VALIDATOR_MAX_REJECTED_ROW_RATIO_ORDER_ITEMS: '0.5' },
      async (pipeline) => {
        await loadReferences(pipeline);

        // Act
        const key = 'raw/order_items/discounts.csv';
        const tag = await upload(pipeline, key, lines.join('\n'));
        const record = await waitForStatus(pipeline, key, tag);

        // Assess
        expect(outside).toBe(2);
        expect(record).toMatchObject({
          verdict: 'ACCEPTED',
          rowsAccepted: discounts.length - outside,
          rowsRejected: outside,
          ruleCounts: { DISCOUNT_OUT_OF_RANGE: outside },
        });
        const report = JSON.parse(await readText(pipeline, record.reportKey ?? ''));
        expect(
          report.examples.DISCOUNT_OUT_OF_RANGE.map((issue: { line: number; value: string }) => [
            issue.line,
            issue.value,
          ]),
        ).toEqual([
          [3, '1.5'],
          [5, '-0.1'],
        ]);
      },
    );
  });

  it('refuses to start on a malformed contract, listing every problem at once', async () => {
    // Prepare: three problems in two files
    const dir = contractsDir((file, text) => {
      if (file === 'orders.odcs.yaml')
        return replaced(
          text,
          'implementation: shipped_at >= created_at',
          "implementation: shipped_at >= 'soon",
        );
      if (file === 'order_items.odcs.yaml')
        return replaced(
          replaced(text, 'to: orders.order_id', 'to: orders.nope'),
          'logicalType: timestamp',
          'logicalType: instant',
        );
      return text;
    });
    const pipeline = await createPipeline(suite.stack);
    try {
      // Act
      let thrown: unknown;
      try {
        await (await startValidator(pipeline, { VALIDATOR_CONTRACTS: dir })).stop();
      } catch (error) {
        thrown = error;
      }

      // Assess
      expect(thrown).toBeInstanceOf(ContractInvalidError);
      const problems = (thrown as ContractInvalidError).problems;
      expect(problems.map((problem) => [problem.code, problem.source.endsWith('.odcs.yaml')])).toEqual(
        expect.arrayContaining([
          ['RULE_EXPRESSION_INVALID', true],
          ['ODCS_SCHEMA', true],
        ]),
      );
      expect((thrown as ContractInvalidError).retryable).toBe(false);
    } finally {
      pipeline.clients.destroy();
    }
  });
});
