import { MemorySink } from '@storeflow/testing';
import {
  type AcceptedBatch,
  createJsonLinesParser,
  InMemoryReferences,
  parseCsv,
  type RejectedRow,
  type SilverOrderItem,
  type ValidateFileOptions,
  type ValidationReportBuilder,
  validateFile,
} from '../../src/index.js';
import { contractOf } from '../helpers/contracts.js';
import { NOW_MS } from '../helpers/factories.js';
import { bytesOf, chunkedSource } from '../helpers/parsing.js';

/** The sink validateFile writes to, in memory. */
const memorySink = () => new MemorySink<AcceptedBatch, RejectedRow>();

const noReferences = new InMemoryReferences();

function options(overrides: Partial<ValidateFileOptions>): ValidateFileOptions {
  return {
    contract: contractOf('products'),
    rowVersion: '2025-04-01T00:00:00.000Z#raw/products/p.csv',
    nowMs: NOW_MS,
    maxRejectedRowRatio: 0.05,
    references: noReferences,
    referenceGraceExpired: false,
    ...overrides,
  };
}

function events(csv: string, batchSize = 10_000) {
  return parseCsv(chunkedSource(bytesOf(csv), 64), { batchSize });
}

/** The notices of a built report (EXTRA_COLUMNS and the like). */
function noticesOf(report: ValidationReportBuilder) {
  return report.build({
    source: {},
    verdict: 'ACCEPTED',
    maxRejectedRowRatio: 0.05,
    touchedDates: [],
    timingsMs: {},
    generatedAt: '',
  }).notices;
}

const PRODUCTS_HEADER = 'id,sku,cost,category,name,brand,retail_price,department';

describe('validateFile', () => {
  it('converts accepted products to silver records and keeps rejected rows with their text and reasons', async () => {
    // Prepare: 20 rows, one with cost above retail price (5% exactly: still ACCEPTED)
    const lines = Array.from({ length: 20 }, (_, index) => {
      const id = index + 1;
      const cost = id === 7 ? '60.00' : '10.50';
      return `${id},ABC-${String(id).padStart(8, '0')},${cost},Jeans,Slim ${id},Acme,50.00,Men`;
    });
    const sink = memorySink();

    // Act
    const result = await validateFile(events([PRODUCTS_HEADER, ...lines].join('\n')), options({}), sink);

    // Assess
    expect(result).toMatchObject({ outcome: 'completed', verdict: 'ACCEPTED', touchedDates: [] });
    const records = sink.accepted.flatMap((batch) => batch.partitions.get('') ?? []);
    expect(records).toHaveLength(19);
    expect(records[0]).toEqual({
      id: 1,
      sku: 'ABC-00000001',
      cost_cents: 1050,
      category: 'Jeans',
      name: 'Slim 1',
      brand: 'Acme',
      retail_price_cents: 5000,
      department: 'Men',
      _version: '2025-04-01T00:00:00.000Z#raw/products/p.csv',
    });
    expect(sink.rejected).toEqual([
      {
        line: 8,
        raw: lines[6],
        issues: [expect.objectContaining({ code: 'COST_ABOVE_RETAIL_PRICE', line: 8 })],
      },
    ]);
    if (result.outcome !== 'completed') throw new Error('not completed');
    expect(result.report.counts).toEqual({ total: 20, accepted: 19, rejected: 1 });
  });

  it('rejects the file when the rejected share exceeds the ratio', async () => {
    // Prepare: 2 bad rows of 20 = 10% > 5%
    const lines = Array.from({ length: 20 }, (_, index) => {
      const id = index + 1;
      return `${id},${id <= 2 ? 'bad-sku' : `ABC-${String(id).padStart(8, '0')}`},1.00,Jeans,N,Acme,5.00,Men`;
    });

    // Act
    const result = await validateFile(
      events([PRODUCTS_HEADER, ...lines].join('\n')),
      options({}),
      memorySink(),
    );

    // Assess
    expect(result).toMatchObject({ outcome: 'completed', verdict: 'REJECTED', touchedDates: [] });
  });

  it('rejects a file whose header lacks a required column without reading its rows', async () => {
    // Prepare
    const sink = memorySink();

    // Act
    const result = await validateFile(events('id,sku\n1,ABC-00000001\n'), options({}), sink);

    // Assess
    expect(result.outcome).toBe('completed');
    if (result.outcome !== 'completed') return;
    expect(result.verdict).toBe('REJECTED');
    expect(result.report.fileIssues.map((issue) => issue.code)).toEqual(['MISSING_REQUIRED_COLUMN']);
    expect(sink.accepted).toEqual([]);
    expect(sink.endedChunks).toEqual([]);
  });

  it('rejects an empty file with EMPTY_FILE', async () => {
    const result = await validateFile(events(''), options({}), memorySink());
    expect(result.outcome === 'completed' && result.report.fileIssues.map((issue) => issue.code)).toEqual([
      'EMPTY_FILE',
    ]);
  });

  it('partitions orders by the UTC date of created_at and reports the touched dates', async () => {
    // Prepare: the second order is 23:30 on the 8th at -02:00, i.e. the 9th in UTC
    const csv = [
      'order_id,user_id,status,created_at,num_of_item',
      '1,10,Complete,2025-03-08T10:00:00,1',
      '2,11,complete,2025-03-08T23:30:00-02:00,2',
    ].join('\n');
    const sink = memorySink();

    // Act
    const result = await validateFile(events(csv), options({ contract: contractOf('orders') }), sink);

    // Assess
    expect(result).toMatchObject({ outcome: 'completed', touchedDates: ['2025-03-08', '2025-03-09'] });
    const [batch] = sink.accepted;
    expect(batch?.partitions.get('2025-03-08')).toEqual([
      expect.objectContaining({ order_id: 1, status: 'complete', order_date: '2025-03-08' }),
    ]);
    expect(batch?.partitions.get('2025-03-09')).toEqual([expect.objectContaining({ order_id: 2 })]);
  });

  it('files orders whose dates alternate under their own date, in file order', async () => {
    // Prepare: dates 8, 9, 8, 8, 9, so consecutive rows change partition and come back to one
    const dates = ['2025-03-08', '2025-03-09', '2025-03-08', '2025-03-08', '2025-03-09'];
    const csv = [
      'order_id,user_id,status,created_at,num_of_item',
      ...dates.map((date, index) => `${index + 1},10,complete,${date}T10:00:00,1`),
    ].join('\n');
    const sink = memorySink();

    // Act
    await validateFile(events(csv), options({ contract: contractOf('orders') }), sink);

    // Assess
    const [batch] = sink.accepted;
    const idsOf = (date: string) =>
      (batch?.partitions.get(date) ?? []).map((record) => (record as { order_id: number }).order_id);
    expect([...(batch?.partitions.keys() ?? [])]).toEqual(['2025-03-08', '2025-03-09']);
    expect(idsOf('2025-03-08')).toEqual([1, 3, 4]);
    expect(idsOf('2025-03-09')).toEqual([2, 5]);
  });

  describe('order_items', () => {
    const header = 'id,order_id,user_id,product_id,status,created_at,sale_price';
    const references = new InMemoryReferences(
      new Map([[100, { category: 'Jeans' }]]),
      new Map([[1, { userId: 10, createdAtMs: Date.UTC(2025, 2, 8, 23, 59), status: 'complete' as const }]]),
    );

    it('carries the order date and the category, and rejects a user that differs from the order', async () => {
      // Prepare
      const csv = [
        header,
        '1,1,10,100,complete,2025-03-09T00:10:00,19.99',
        '2,1,99,100,complete,2025-03-09T00:10:00,5.00',
      ].join('\n');
      const sink = memorySink();

      // Act
      const result = await validateFile(
        events(csv),
        options({ contract: contractOf('order_items'), references, maxRejectedRowRatio: 0.5 }),
        sink,
      );

      // Assess: the item counts towards its order's day, the 8th, though it was created on the 9th
      expect(result).toMatchObject({
        outcome: 'completed',
        verdict: 'ACCEPTED',
        touchedDates: ['2025-03-08'],
      });
      expect(sink.accepted[0]?.partitions.get('2025-03-08')).toEqual([
        expect.objectContaining({
          id: 1,
          sale_price_cents: 1999,
          category: 'Jeans',
          order_date: '2025-03-08',
        }),
      ]);
      expect(sink.rejected.map((row) => row.issues.map((issue) => issue.code))).toEqual([
        ['ITEM_USER_MISMATCH'],
      ]);
    });

    it('keeps a JSON Lines key the contract does not define in the silver extra, reported once', async () => {
      // Prepare: two items with a currency key, one without
      const lines = [
        '{"id":1,"order_id":1,"user_id":10,"product_id":100,"status":"complete","created_at":"2025-03-09T00:10:00","sale_price":19.99,"currency":"EUR"}',
        '{"id":2,"order_id":1,"user_id":10,"product_id":100,"status":"complete","created_at":"2025-03-09T00:10:00","sale_price":5}',
        '{"id":3,"order_id":1,"user_id":10,"product_id":100,"status":"complete","created_at":"2025-03-09T00:10:00","sale_price":"7.50","currency":"USD"}',
      ];
      const sink = memorySink();

      // Act
      const result = await validateFile(
        createJsonLinesParser(contractOf('order_items'))(chunkedSource(bytesOf(lines.join('\n')), 16)),
        options({ contract: contractOf('order_items'), references }),
        sink,
      );

      // Assess
      expect(result).toMatchObject({ outcome: 'completed', verdict: 'ACCEPTED' });
      const records = sink.accepted.flatMap(
        (batch) => (batch.partitions.get('2025-03-08') ?? []) as SilverOrderItem[],
      );
      expect(records.map((record) => [record.id, record.extra])).toEqual([
        [1, { currency: 'EUR' }],
        [2, undefined],
        [3, { currency: 'USD' }],
      ]);
      expect(records[1]).not.toHaveProperty('extra');
      if (result.outcome !== 'completed') throw new Error('not completed');
      expect(noticesOf(result.report)).toEqual([
        { code: 'EXTRA_COLUMNS', message: 'keys kept under extra: currency', columns: ['currency'] },
      ]);
    });

    it('profiles rows by date: accepted under their order date, rejected under their own created_at', async () => {
      // Prepare: item 1 counts under its order's day (the 8th); item 2 is rejected (another user)
      // and counts under its own created_at (the 9th); item 3's created_at is unreadable
      const csv = [
        header,
        '1,1,10,100,complete,2025-03-09T00:10:00,19.99',
        '2,1,99,100,complete,2025-03-09T00:10:00,5.00',
        '3,1,10,100,complete,yesterday,5.00',
      ].join('\n');

      // Act
      const result = await validateFile(
        events(csv),
        options({ contract: contractOf('order_items'), references, maxRejectedRowRatio: 0.7 }),
        memorySink(),
      );

      // Assess
      if (result.outcome !== 'completed') throw new Error(`unexpected outcome ${result.outcome}`);
      const { profile } = result.report.build({
        source: {},
        verdict: result.verdict,
        maxRejectedRowRatio: 0.7,
        touchedDates: result.touchedDates,
        timingsMs: {},
        generatedAt: '2025-04-01T00:00:00.000Z',
      });
      expect(profile.rowsByDate).toEqual({
        '2025-03-08': { accepted: 1, rejected: 0 },
        '2025-03-09': { accepted: 0, rejected: 1 },
      });
      expect(profile.undated).toEqual({ accepted: 0, rejected: 1 });
      expect(profile.distinctKeys).toEqual({ column: 'id', count: 2 });
      expect(profile.columns.sale_price?.numeric).toMatchObject({ unit: 'cents', min: 500, max: 1999 });
    });

    it('defers the file while the grace window is open and an order is not known yet', async () => {
      // Prepare
      const csv = [
        header,
        '1,1,10,100,complete,2025-03-09T00:10:00,19.99',
        '2,2,10,100,complete,2025-03-09T00:10:00,5.00',
      ].join('\n');

      // Act
      const sink = memorySink();
      const result = await validateFile(
        events(csv),
        options({ contract: contractOf('order_items'), references, chunkRows: 10 }),
        sink,
      );

      // Assess: nothing of a deferred file is ended as a chunk, so no part of it is written
      expect(sink.endedChunks).toEqual([]);
      expect(result).toEqual({
        outcome: 'deferred',
        unresolvedRows: 1,
        missingProductIds: [],
        missingOrderIds: [2],
      });
    });

    it('rejects the unresolved items with referential codes once the grace window has passed', async () => {
      // Prepare
      const csv = [
        header,
        '1,1,10,100,complete,2025-03-09T00:10:00,19.99',
        '2,2,10,101,complete,2025-03-09T00:10:00,5.00',
      ].join('\n');
      const sink = memorySink();

      // Act
      const result = await validateFile(
        events(csv),
        options({
          contract: contractOf('order_items'),
          references,
          referenceGraceExpired: true,
          maxRejectedRowRatio: 0.5,
        }),
        sink,
      );

      // Assess
      expect(result).toMatchObject({ outcome: 'completed', verdict: 'ACCEPTED' });
      expect(sink.rejected.map((row) => row.issues.map((issue) => issue.code).sort())).toEqual([
        ['UNKNOWN_ORDER', 'UNKNOWN_PRODUCT'],
      ]);
      expect(sink.rejected.map((row) => row.raw)).toEqual([csv.split('\n')[2]]);
    });
  });

  it('keeps the text of rejected CSV records as written: quoting, line breaks in fields, unterminated quotes', async () => {
    // Prepare: a quoted record over two lines and a plain one, both with cost above retail
    // price, CRLF line ends, then a quote that is never closed
    const quoted = '2,"ABC-00000002","60.00",Jeans,"Slim ""2"",\r\nwide",Acme,50.00,Men';
    const plain = '3,ABC-00000003,60.00,Jeans,Slim 3 ,Acme,50.00,Men';
    const unterminated = '4,ABC-00000004,1.00,Jeans,"open,Acme,5.00,Men\r\n';
    const csv = [
      PRODUCTS_HEADER,
      '1,ABC-00000001,1.00,Jeans,N,Acme,5.00,Men',
      quoted,
      plain,
      unterminated,
    ].join('\r\n');
    const sink = memorySink();

    // Act
    await validateFile(events(csv), options({ maxRejectedRowRatio: 1 }), sink);

    // Assess
    expect(sink.rejected.map((row) => [row.line, row.raw, row.issues.map((issue) => issue.code)])).toEqual([
      [3, quoted, ['COST_ABOVE_RETAIL_PRICE']],
      [5, plain, ['COST_ABOVE_RETAIL_PRICE']],
      [6, unterminated, ['UNTERMINATED_QUOTE']],
    ]);
  });

  it('keeps rejected JSON lines exactly as written', async () => {
    // Prepare
    const lines = [
      '{"id":1,"sku":"ABC-00000001","cost":1,"category":"Jeans","name":"N","brand":"A","retail_price":5,"department":"Men"}',
      '{ "sku": "bad", "id": 2, "cost": 1.00, "category": "Jeans", "name": "N", "retail_price": 5, "department": "Men", "x": 1 }',
      '{"id": 3,',
    ];
    const sink = memorySink();

    // Act
    await validateFile(
      createJsonLinesParser(contractOf('products'))(chunkedSource(bytesOf(lines.join('\n')), 16)),
      options({ maxRejectedRowRatio: 1 }),
      sink,
    );

    // Assess
    expect(sink.rejected.map((row) => [row.line, row.raw, row.issues.map((issue) => issue.code)])).toEqual([
      [2, lines[1], ['SKU_PATTERN_MISMATCH']],
      [3, lines[2], ['JSON_LINE_MALFORMED']],
    ]);
  });

  it('keeps the extra keys of JSON Lines products in silver like the extra columns of a CSV file', async () => {
    // Prepare: the same two products as JSON Lines and as CSV, each with a currency
    const json = [
      '{"id":1,"sku":"ABC-00000001","cost":1,"category":"Jeans","name":"N","brand":"A","retail_price":5,"department":"Men","currency":"EUR"}',
      '{"currency":"USD","id":2,"sku":"ABC-00000002","cost":1,"category":"Jeans","name":"N","brand":"A","retail_price":5,"department":"Men"}',
    ];
    const csv = [
      `${PRODUCTS_HEADER},currency`,
      '1,ABC-00000001,1,Jeans,N,A,5,Men,EUR',
      '2,ABC-00000002,1,Jeans,N,A,5,Men,USD',
    ];
    const jsonSink = memorySink();
    const csvSink = memorySink();

    // Act
    const fromJson = await validateFile(
      createJsonLinesParser(contractOf('products'))(chunkedSource(bytesOf(json.join('\n')), 16)),
      options({}),
      jsonSink,
    );
    const fromCsv = await validateFile(events(csv.join('\n')), options({}), csvSink);

    // Assess
    const recordsOf = (sink: ReturnType<typeof memorySink>) =>
      sink.accepted.flatMap((batch) => batch.partitions.get('') ?? []);
    expect(recordsOf(jsonSink).map((record) => record.extra)).toEqual([
      { currency: 'EUR' },
      { currency: 'USD' },
    ]);
    expect(recordsOf(jsonSink)).toEqual(recordsOf(csvSink));
    if (fromJson.outcome !== 'completed' || fromCsv.outcome !== 'completed') throw new Error('not completed');
    expect(noticesOf(fromJson.report).map((notice) => [notice.code, notice.columns])).toEqual([
      ['EXTRA_COLUMNS', ['currency']],
    ]);
    expect(noticesOf(fromCsv.report).map((notice) => [notice.code, notice.columns])).toEqual([
      ['EXTRA_COLUMNS', ['currency']],
    ]);
  });

  it('numbers accepted batches in file order and counts every injected error exactly', async () => {
    // Prepare: 30 rows in batches of 7; rows 5, 11 and 23 carry a bad id, row 17 a bad price
    const badIds = new Set([5, 11, 23]);
    const lines = Array.from({ length: 30 }, (_, index) => {
      const n = index + 1;
      const id = badIds.has(n) ? '-1' : String(n);
      const retail = n === 17 ? 'ten' : '50.00';
      return `${id},ABC-${String(n).padStart(8, '0')},1.00,Jeans,N,Acme,${retail},Men`;
    });
    const sink = memorySink();

    // Act
    const result = await validateFile(
      events([PRODUCTS_HEADER, ...lines].join('\n'), 7),
      options({ maxRejectedRowRatio: 0.2 }),
      sink,
    );

    // Assess
    expect(sink.accepted.map((batch) => batch.chunk)).toEqual([0, 1, 2, 3, 4]);
    if (result.outcome !== 'completed') throw new Error('not completed');
    const report = result.report.build({
      source: {},
      verdict: result.verdict,
      maxRejectedRowRatio: 0.2,
      touchedDates: [],
      timingsMs: {},
      generatedAt: '',
    });
    expect(report.ruleCounts).toEqual({ ID_NOT_POSITIVE_INTEGER: 3, MONEY_NOT_DECIMAL: 1 });
    expect(report.rows).toEqual({ total: 30, accepted: 26, rejected: 4 });
    expect(sink.rejected.map((row) => row.line)).toEqual([6, 12, 18, 24]);
  });

  it('groups batches into chunks of at least chunkRows records and ends each chunk after its last batch', async () => {
    // Prepare: 30 rows in batches of 7 (7, 7, 7, 7, 2) and chunks of at least 10 records:
    // batches 0 and 1 make chunk 0, 2 and 3 chunk 1, and the last batch chunk 2. Row 9 has a bad
    // id, so chunk 0 holds 13 accepted rows.
    const lines = Array.from({ length: 30 }, (_, index) => {
      const n = index + 1;
      return `${n === 9 ? 'x' : n},ABC-${String(n).padStart(8, '0')},1.00,Jeans,N,Acme,50.00,Men`;
    });
    const sink = memorySink();

    // Act
    const result = await validateFile(
      events([PRODUCTS_HEADER, ...lines].join('\n'), 7),
      options({ maxRejectedRowRatio: 0.2, chunkRows: 10 }),
      sink,
    );

    // Assess
    expect(result).toMatchObject({ outcome: 'completed', verdict: 'ACCEPTED' });
    expect(sink.accepted.map((batch) => batch.chunk)).toEqual([0, 0, 1, 1, 2]);
    expect(sink.accepted.map((batch) => batch.partitions.get('')?.length)).toEqual([7, 6, 7, 7, 2]);
    expect(sink.endedChunks).toEqual([
      { chunk: 0, acceptedBatches: 2 },
      { chunk: 1, acceptedBatches: 4 },
      { chunk: 2, acceptedBatches: 5 },
    ]);
  });

  it('ends a chunk of rejected rows only, and each batch as a chunk of its own without chunkRows', async () => {
    // Prepare: 6 rows in batches of 3, the first batch all rejected
    const lines = Array.from({ length: 6 }, (_, index) => {
      const n = index + 1;
      return `${n <= 3 ? '-1' : n},ABC-${String(n).padStart(8, '0')},1.00,Jeans,N,Acme,50.00,Men`;
    });
    const sink = memorySink();

    // Act
    await validateFile(
      events([PRODUCTS_HEADER, ...lines].join('\n'), 3),
      options({ maxRejectedRowRatio: 1 }),
      sink,
    );

    // Assess
    expect(sink.accepted.map((batch) => batch.chunk)).toEqual([1]);
    expect(sink.endedChunks).toEqual([
      { chunk: 0, acceptedBatches: 0 },
      { chunk: 1, acceptedBatches: 1 },
    ]);
  });
});
