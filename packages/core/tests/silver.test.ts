import {
  encodeSilverPart,
  SilverChunkParts,
  type SilverRecord,
  toSilverOrder,
  toSilverOrderItem,
  toSilverProduct,
} from '../src/index.js';
import { orderItemRow } from './helpers/factories.js';

/** Silver JSON Lines as they have always been written: JSON.stringify per record, a line feed after each. */
function jsonLines(records: readonly SilverRecord[]): Uint8Array {
  return new TextEncoder().encode(records.map((record) => `${JSON.stringify(record)}\n`).join(''));
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

// Strings JSON.stringify escapes (quotes, backslashes, control characters, lone surrogates) or
// encodes in several UTF-8 bytes, beside plain ones.
const AWKWARD_TEXTS = [
  'plain',
  '',
  'say "hi"',
  'back\\slash',
  'line\nbreak\r\ttab',
  '\u0000\u001f\u007f',
  'Crème brûlée',
  '中文',
  'emoji 🛒',
  'lone \ud800 surrogate',
  'trail \udc00',
  'separators \u2028\u2029',
];

describe('silver records', () => {
  it('keep their columns in the documented order and leave absent values out of the line', () => {
    // Prepare
    const item = toSilverOrderItem(
      orderItemRow({ shippedAtMs: 1743354566000, inventoryItemId: 7 }),
      {
        category: 'Beauty',
        orderCreatedAtMs: 0,
        orderDate: '2025-03-30',
        orderStatus: 'complete',
        orderUserId: 100,
      },
      'v1',
    );
    const order = toSilverOrder(
      {
        orderId: 10,
        userId: 100,
        status: 'returned',
        createdAtMs: 1743354566000,
        shippedAtMs: undefined,
        deliveredAtMs: undefined,
        returnedAtMs: 1743440966000,
        numOfItem: 2,
        gender: undefined,
      },
      'v2',
      { coupon: 'SPRING' },
    );
    const product = toSilverProduct(
      {
        id: 1000,
        sku: 'S-1',
        costCents: 150,
        category: 'Beauty',
        name: 'Soap',
        brand: '',
        retailPriceCents: 399,
        department: 'Women',
        distributionCenterId: 3,
      },
      'v3',
    );

    // Act
    const lines = text(encodeSilverPart([item, order, product]));

    // Assess
    expect(lines).toBe(
      '{"id":1,"order_id":10,"user_id":100,"product_id":1000,"status":"delivered","created_at_ms":1743354566000,' +
        '"shipped_at_ms":1743354566000,"sale_price_cents":8164,"inventory_item_id":7,"order_date":"2025-03-30",' +
        '"category":"Beauty","_version":"v1"}\n' +
        '{"order_id":10,"user_id":100,"status":"returned","created_at_ms":1743354566000,' +
        '"returned_at_ms":1743440966000,"num_of_item":2,"order_date":"2025-03-30","_version":"v2",' +
        '"extra":{"coupon":"SPRING"}}\n' +
        '{"id":1000,"sku":"S-1","cost_cents":150,"category":"Beauty","name":"Soap","brand":"",' +
        '"retail_price_cents":399,"department":"Women","distribution_center_id":3,"_version":"v3"}\n',
    );
  });
});

describe('encodeSilverPart', () => {
  it('writes exactly what JSON.stringify writes, one line per record, for every kind of silver record', () => {
    // Prepare
    const version = '2026-01-01T00:00:00.000Z#raw/order_items/a "b".csv';
    const records: SilverRecord[] = [];
    AWKWARD_TEXTS.forEach((text, index) => {
      records.push(
        toSilverProduct(
          {
            id: index + 1,
            sku: text,
            costCents: 1999,
            category: text,
            name: `${text} name`,
            brand: '',
            retailPriceCents: 0,
            department: 'Women',
            distributionCenterId: index % 2 === 0 ? undefined : index,
          },
          version,
          index % 3 === 0 ? { [text]: text, other: '' } : undefined,
        ),
        toSilverOrder(
          {
            orderId: index,
            userId: -index,
            status: 'returned',
            createdAtMs: Date.UTC(2025, 2, 8, 23, 50) + index,
            shippedAtMs: index % 2 === 0 ? Date.UTC(2025, 2, 9) : undefined,
            deliveredAtMs: undefined,
            returnedAtMs: index % 3 === 0 ? Date.UTC(2025, 2, 12) : undefined,
            numOfItem: 3,
            gender: index % 2 === 0 ? text : undefined,
          },
          version,
        ),
        toSilverOrderItem(
          orderItemRow({ id: 2 ** 52 + index, inventoryItemId: index % 2 === 0 ? undefined : 7 }),
          {
            category: text,
            orderCreatedAtMs: 0,
            orderDate: '2025-03-08',
            orderStatus: 'complete',
            orderUserId: 1,
          },
          version,
          { note: text },
        ),
        // A dataset the pipeline does not read: any logical columns, decimals included.
        { code: text, ratio: 0.1 + index / 3, small: 1e-7, big: 1e21, _version: version },
      );
    });

    // Act
    const part = encodeSilverPart(records);

    // Assess
    expect(part).toEqual(jsonLines(records));
  });

  it('writes a part of one record as one line', () => {
    // Act
    const part = encodeSilverPart([{ id: 1, name: 'é', _version: 'v' }]);
    // Assess
    expect(text(part)).toBe('{"id":1,"name":"é","_version":"v"}\n');
  });

  it('makes room for a line of characters that take three bytes each, after the lines before it', () => {
    // Prepare
    const name = '中'.repeat(90);
    // Act
    const part = encodeSilverPart([
      { name: 'a', _version: 'v' },
      { name, _version: 'v' },
    ]);
    // Assess
    expect(text(part)).toBe(`{"name":"a","_version":"v"}\n{"name":"${name}","_version":"v"}\n`);
  });

  it('writes every line of a part of many records, whichever of them hold characters of several bytes', () => {
    // Prepare: enough records for several groups of lines, wide characters in some of the later ones
    const records: SilverRecord[] = Array.from({ length: 200 }, (_, index) => ({
      id: index,
      name: index % 70 === 69 ? `${'中'.repeat(50)}é${index}` : `plain ${index}`,
      _version: 'v',
    }));
    // Act
    const part = encodeSilverPart(records);
    // Assess
    expect(part).toEqual(jsonLines(records));
  });

  it('writes nothing for no records', () => {
    expect(encodeSilverPart([]).length).toBe(0);
  });
});

describe('SilverChunkParts', () => {
  const record = (id: number, name = `n${id}`): SilverRecord => ({ id, name, _version: 'v' });

  it("gives each partition one part: its batches' lines in the order they came, as JSON.stringify writes them", () => {
    // Prepare: three batches, the second without partition a, the third with wide characters
    const batches: Map<string, SilverRecord[]>[] = [
      new Map([
        ['a', [record(1), record(2)]],
        ['b', [record(3)]],
      ]),
      new Map([['b', [record(4), record(5)]]]),
      new Map([
        ['a', [record(6, '中文 "q"')]],
        ['b', []],
      ]),
    ];
    const chunk = new SilverChunkParts();

    // Act
    for (const batch of batches) chunk.add(batch);
    const parts = chunk.take();

    // Assess
    expect([...parts.keys()]).toEqual(['a', 'b']);
    expect(parts.get('a')).toEqual(jsonLines([record(1), record(2), record(6, '中文 "q"')]));
    expect(parts.get('b')).toEqual(jsonLines([record(3), record(4), record(5)]));
  });

  it('starts the next chunk empty once a chunk is taken', () => {
    // Prepare
    const chunk = new SilverChunkParts();
    chunk.add(new Map([['a', [record(1)]]]));
    chunk.take();

    // Act
    const empty = chunk.take();
    chunk.add(new Map([['b', [record(2)]]]));
    const next = chunk.take();

    // Assess
    expect(empty.size).toBe(0);
    expect([...next.keys()]).toEqual(['b']);
    expect(next.get('b')).toEqual(jsonLines([record(2)]));
  });

  it('keeps no part for a partition whose batches held no records', () => {
    // Prepare
    const chunk = new SilverChunkParts();
    // Act
    chunk.add(new Map([['a', []]]));
    // Assess
    expect(chunk.take().size).toBe(0);
  });
});
