import {
  createRowValidator,
  type Dataset,
  datasetContract,
  type IssueCode,
  type OrderItemRow,
  type OrderRow,
  type ProductRow,
  recordParserFor,
  type Verdict,
  validateFile,
} from '@storeflow/core';
import { loadContractFiles } from '@storeflow/runtime';
import { ALL_ERROR_KINDS, type ErrorKind, errorKindCode } from '../src/index.js';
import {
  acceptedReferences,
  bytesOf,
  type GeneratedSet,
  generate,
  expectedOutcomes as manifestOutcomes,
  NOW_MS,
  type Outcome,
  remember,
  validateAll,
  validationSink,
} from './helpers/validateGenerated.js';

const CONTRACTS = loadContractFiles();
/** The SKU pattern of SPEC §3, written out here so the generator is checked against the spec. */
const SKU_PATTERN = /^[A-Za-z]{3}-\d{8}$/;
type RowOf<D extends Dataset> = D extends 'products'
  ? ProductRow
  : D extends 'orders'
    ? OrderRow
    : OrderItemRow;

/** The largest rejected share of an accepted file, in rows per 100 (the validator gets 5 / 100). */
const MAX_REJECTED_PER_100 = 5;

/**
 * SPEC §3, worked out here in integers rather than by the validator's `decideVerdict` (which the
 * generator's manifest also uses): a file issue, or more than 5 rejected rows in 100, rejects.
 */
function expectedVerdict(rows: { total: number; rejected: number }, fileIssues: readonly string[]): Verdict {
  if (fileIssues.length > 0) return 'REJECTED';
  return rows.rejected * 100 <= MAX_REJECTED_PER_100 * rows.total ? 'ACCEPTED' : 'REJECTED';
}

/** The manifest's expectations, with each verdict worked out from its counts by {@link expectedVerdict}. */
function expectedOutcomes(set: GeneratedSet): Outcome[] {
  return manifestOutcomes(set).map((outcome) => ({
    ...outcome,
    verdict: expectedVerdict(outcome.rows, outcome.fileIssues),
  }));
}

/** Typed rows of every file of a dataset, through the real row validator; fails on any rejection. */
function typedRows<D extends Dataset>(set: GeneratedSet, dataset: D): RowOf<D>[] {
  const rows: RowOf<D>[] = [];
  for (const file of set.generator.files.filter((candidate) => candidate.dataset === dataset)) {
    const [header = '', ...lines] = (set.texts.get(file.key) ?? '').split('\n');
    const built = createRowValidator<RowOf<D>>(datasetContract(CONTRACTS, dataset), splitCsv(header), {
      nowMs: NOW_MS,
    });
    if (!built.ok) throw new Error(`${file.key}: ${JSON.stringify(built.fileIssues)}`);
    lines.forEach((line, index) => {
      if (line === '') return;
      const result = built.validator.validate(splitCsv(line), index + 2);
      if (!result.ok) throw new Error(`${file.key}:${index + 2}: ${JSON.stringify(result.issues)}`);
      rows.push(result.row);
    });
  }
  return rows;
}

/** RFC 4180 fields of one line (no line breaks inside fields in generated data). */
function splitCsv(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

describe('generated data through the real validator', () => {
  it.each([
    ['csv', 'iso'],
    ['csv', 'mixed'],
    ['jsonl', 'mixed'],
  ] as const)('accepts every row of clean %s data with %s timestamps', async (format, timestamps) => {
    // Prepare
    const set = generate({
      seed: 'clean',
      orders: 1200,
      products: 300,
      files: 4,
      format,
      timestamps,
      errorRate: 0,
    });

    // Act
    const outcomes = await validateAll(set, CONTRACTS);

    // Assess
    const rows = outcomes.reduce((total, outcome) => total + outcome.rows.total, 0);
    expect(rows).toBeGreaterThan(1200 + 300 + 1200);
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({
        rows: { rejected: 0 },
        ruleCounts: {},
        fileIssues: [],
        verdict: 'ACCEPTED',
      });
    }
    expect(outcomes).toEqual(expectedOutcomes(set));
  });

  it.each([
    ['csv', 0.02],
    ['csv', 0.08],
    ['jsonl', 0.08],
  ] as const)(
    'agrees with the manifest file by file for every error kind (%s, rate %d)',
    async (format, errorRate) => {
      // Prepare: every kind, including those that cascade through rejected files
      const set = generate({
        seed: `errors-${format}-${errorRate}`,
        orders: 2000,
        products: 400,
        files: 3,
        format,
        timestamps: 'mixed',
        errorRate,
        errorKinds: ALL_ERROR_KINDS,
        lateItems: true,
      });

      // Act
      const outcomes = await validateAll(set, CONTRACTS);

      // Assess: the manifest's own verdicts agree too
      expect(outcomes).toEqual(expectedOutcomes(set));
      const rejected = outcomes.reduce((total, outcome) => total + outcome.rows.rejected, 0);
      expect(rejected).toBeGreaterThan(0);
      expect(set.generator.manifest().files.map((file) => file.verdict)).toEqual(
        outcomes.map((outcome) => outcome.verdict),
      );
    },
  );

  it.each(
    ALL_ERROR_KINDS.flatMap((kind) => (['csv', 'jsonl'] as const).map((format) => [kind, format] as const)),
  )('rejects each %s row of a %s file with its one documented code', async (kind: ErrorKind, format) => {
    // Prepare: only this kind, rare enough that no file is rejected as a whole
    const set = generate({
      seed: kind,
      orders: 1500,
      products: 600,
      files: 2,
      format,
      errorRate: 0.01,
      errorKinds: [kind],
    });

    // Act
    const outcomes = await validateAll(set, CONTRACTS);

    // Assess
    const injected = set.generator
      .manifest()
      .files.reduce((total, file) => total + (file.injected[kind] ?? 0), 0);
    const code = errorKindCode(kind, format);
    const counted = (wanted: IssueCode) =>
      outcomes.reduce((total, outcome) => total + (outcome.ruleCounts[wanted] ?? 0), 0);
    expect(injected).toBeGreaterThan(0);
    expect(counted(code)).toBe(injected);
    const codes = new Set(outcomes.flatMap((outcome) => Object.keys(outcome.ruleCounts)));
    expect([...codes]).toEqual([code]);
    expect(outcomes.every((outcome) => outcome.verdict === 'ACCEPTED')).toBe(true);
    expect(outcomes).toEqual(expectedOutcomes(set));
  });

  it('expects the items of orders in a rejected orders file to be rejected as unknown orders', async () => {
    // Prepare: one order in five broken, so every orders file exceeds the 5% ratio
    const set = generate({
      seed: 'cascade',
      orders: 600,
      products: 100,
      files: 2,
      errorRate: 0.2,
      errorKinds: ['bad-status'],
    });

    // Act
    const outcomes = await validateAll(set, CONTRACTS);

    // Assess
    const manifest = set.generator.manifest();
    expect(manifest.totals.orders.rejectedFiles).toBe(2);
    const items = manifest.files.filter((file) => file.dataset === 'order_items');
    // Items given an error of their own keep its code; every other item lost its order.
    for (const file of items) {
      expect(file.rows.accepted).toBe(0);
      expect(file.ruleCounts.UNKNOWN_ORDER).toBe(file.rows.total - (file.injected['bad-status'] ?? 0));
    }
    expect(outcomes).toEqual(expectedOutcomes(set));
  });

  it.each(['csv', 'jsonl'] as const)(
    'expects an items file left without rows to be rejected as a whole (%s)',
    async (format) => {
      // Prepare: every order broken, so no item is written
      const set = generate({
        seed: 'empty',
        orders: 4,
        products: 2,
        files: 2,
        format,
        errorRate: 1,
        errorKinds: ['bad-status'],
      });

      // Act
      const outcomes = await validateAll(set, CONTRACTS);

      // Assess
      const items = set.generator.manifest().files.filter((file) => file.dataset === 'order_items');
      expect(items.map((file) => file.fileIssues)).toEqual([
        [format === 'csv' ? 'HEADER_ONLY' : 'EMPTY_FILE'],
        [format === 'csv' ? 'HEADER_ONLY' : 'EMPTY_FILE'],
      ]);
      expect(outcomes).toEqual(expectedOutcomes(set));
    },
  );

  it('defers an items file whose orders come in a later file, exactly as many rows as the manifest says', async () => {
    // Prepare: validate products and the first orders file only, with the grace window open
    const set = generate({
      seed: 'late',
      orders: 900,
      products: 200,
      files: 3,
      errorRate: 0,
      lateItems: true,
    });
    const references = acceptedReferences();
    const byKey = (key: string) => set.texts.get(key) ?? '';
    const files = set.generator.files;
    const manifest = set.generator.manifest();
    for (const file of files.filter(
      (candidate) => candidate.dataset === 'products' || candidate.key === files[3]?.key,
    )) {
      const sink = validationSink();
      await validateFile(
        recordParserFor({ contract: datasetContract(CONTRACTS, file.dataset), format: 'csv' })(
          bytesOf(byKey(file.key)),
          {
            batchSize: 100_000,
          },
        ),
        {
          contract: datasetContract(CONTRACTS, file.dataset),
          rowVersion: 'v',
          nowMs: NOW_MS,
          maxRejectedRowRatio: 0.05,
          references,
          referenceGraceExpired: false,
        },
        sink,
      );
      remember(file.dataset, sink, references);
    }
    const firstItems = files.find((file) => file.dataset === 'order_items');
    if (firstItems === undefined || files[3]?.dataset !== 'orders') throw new Error('unexpected file order');

    // Act
    const result = await validateFile(
      recordParserFor({ contract: datasetContract(CONTRACTS, 'order_items'), format: 'csv' })(
        bytesOf(byKey(firstItems.key)),
        {
          batchSize: 100_000,
        },
      ),
      {
        contract: datasetContract(CONTRACTS, 'order_items'),
        rowVersion: 'v',
        nowMs: NOW_MS,
        maxRejectedRowRatio: 0.05,
        references,
        referenceGraceExpired: false,
      },
      validationSink(),
    );

    // Assess
    const late = manifest.files.find((file) => file.key === firstItems.key)?.lateReferences;
    expect(late).toBeGreaterThan(0);
    expect(result).toMatchObject({ outcome: 'deferred', unresolvedRows: late, missingProductIds: [] });
    const lastItems = manifest.files.filter((file) => file.dataset === 'order_items').at(-1);
    expect(lastItems?.lateReferences).toBe(0);
  });
});

describe('generated data is realistic', () => {
  let products: ProductRow[];
  let orders: OrderRow[];
  let items: OrderItemRow[];
  let productById: Map<number, ProductRow>;
  let orderById: Map<number, OrderRow>;

  beforeAll(() => {
    const set = generate({
      seed: 'realistic',
      orders: 3000,
      products: 2000,
      files: 3,
      errorRate: 0,
      lateItems: true,
    });
    products = typedRows(set, 'products') as ProductRow[];
    orders = typedRows(set, 'orders') as OrderRow[];
    items = typedRows(set, 'order_items') as OrderItemRow[];
    productById = new Map(products.map((product) => [product.id, product]));
    orderById = new Map(orders.map((order) => [order.orderId, order]));
  });

  it('has the 26 thelook categories, each in the Men or Women department, SKUs of the default pattern and some empty brands', () => {
    const categories = new Set(products.map((product) => product.category));
    expect(categories.size).toBe(26);
    expect(new Set(products.map((product) => product.department))).toEqual(new Set(['Men', 'Women']));
    expect(
      products.filter((product) => product.category === 'Dresses').every((p) => p.department === 'Women'),
    ).toBe(true);
    expect(
      products.filter((product) => product.category === 'Underwear').every((p) => p.department === 'Men'),
    ).toBe(true);
    expect(products.every((product) => SKU_PATTERN.test(product.sku))).toBe(true);
    expect(new Set(products.map((product) => product.sku)).size).toBe(products.length);
    const emptyBrands = products.filter((product) => product.brand === '').length;
    expect(emptyBrands).toBeGreaterThan(0);
    expect(emptyBrands).toBeLessThan(products.length * 0.1);
  });

  it('prices products with 0 <= cost <= retail_price and sells items around retail', () => {
    expect(
      products.every((product) => product.costCents >= 0 && product.costCents <= product.retailPriceCents),
    ).toBe(true);
    const ratios = items.map(
      (item) => item.salePriceCents / (productById.get(item.productId)?.retailPriceCents ?? 0),
    );
    expect(ratios.every((ratio) => ratio >= 0.59 && ratio <= 1.11)).toBe(true);
    const atRetail = ratios.filter((ratio) => ratio === 1).length / ratios.length;
    expect(atRetail).toBeGreaterThan(0.5);
    expect(atRetail).toBeLessThan(0.75);
  });

  it('numbers orders 1..N within the days asked for, with sensible status shares', () => {
    expect(orders.map((order) => order.orderId)).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
    const start = Date.UTC(2026, 0, 1);
    expect(
      orders.every((order) => order.createdAtMs >= start && order.createdAtMs < start + 30 * 86_400_000),
    ).toBe(true);
    const share = (status: string) =>
      orders.filter((order) => order.status === status).length / orders.length;
    // thelook's mix: 20% processing, 30% shipped, 25% complete, 15% cancelled, 10% returned
    expect(share('processing')).toBeCloseTo(0.2, 1);
    expect(share('shipped')).toBeCloseTo(0.3, 1);
    expect(share('complete')).toBeCloseTo(0.25, 1);
    expect(share('cancelled')).toBeCloseTo(0.15, 1);
    expect(share('returned')).toBeCloseTo(0.1, 1);
  });

  it('orders timestamps created <= shipped <= delivered <= returned, returned_at exactly when returned', () => {
    for (const row of [...orders, ...items]) {
      const chain = [row.createdAtMs, row.shippedAtMs, row.deliveredAtMs, row.returnedAtMs].filter(
        (instant): instant is number => instant !== undefined,
      );
      expect(chain).toEqual([...chain].sort((a, b) => a - b));
      expect(row.returnedAtMs !== undefined).toBe(row.status === 'returned');
    }
    expect(
      orders.filter((order) => order.status === 'processing').every((o) => o.shippedAtMs === undefined),
    ).toBe(true);
    expect(
      orders.filter((order) => order.status === 'complete').every((o) => o.deliveredAtMs !== undefined),
    ).toBe(true);
  });

  it('gives every order exactly num_of_item items, of its user, created with it, at least one returned in a returned order', () => {
    const itemsPerOrder = new Map<number, OrderItemRow[]>();
    for (const item of items)
      itemsPerOrder.set(item.orderId, [...(itemsPerOrder.get(item.orderId) ?? []), item]);
    for (const order of orders) {
      const ofOrder = itemsPerOrder.get(order.orderId) ?? [];
      expect(new Set(ofOrder.map((item) => item.id)).size).toBe(order.numOfItem);
      if (order.status === 'returned') expect(ofOrder.some((item) => item.status === 'returned')).toBe(true);
    }
    for (const item of items) {
      const order = orderById.get(item.orderId);
      expect(item.userId).toBe(order?.userId);
      expect(item.createdAtMs).toBeGreaterThanOrEqual(order?.createdAtMs ?? Number.NaN);
      expect(productById.has(item.productId)).toBe(true);
    }
    expect(new Set(items.map((item) => item.id)).size).toBe(items.length);
    expect(items.length / orders.length).toBeGreaterThan(1.5);
  });
});
