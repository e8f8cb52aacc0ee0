import { JsonLineDecoder } from '../../src/index.js';
import { contractOf } from '../helpers/contracts.js';
import { validatorFor } from '../helpers/factories.js';

describe('JsonLineDecoder', () => {
  it('maps an object to fields in the dataset column order, whatever its key order', () => {
    // Prepare
    const decoder = new JsonLineDecoder(contractOf('orders'));
    const line =
      '{"num_of_item":2,"created_at":"2025-03-30T16:14:26Z","status":"Delivered","user_id":9116,"order_id":1}';
    // Act
    const decoded = decoder.decode(line, 1);
    // Assess
    expect(decoder.header).toEqual([
      'order_id',
      'user_id',
      'status',
      'created_at',
      'num_of_item',
      'returned_at',
      'shipped_at',
      'delivered_at',
      'gender',
    ]);
    expect(decoded).toEqual({
      ok: true,
      fields: ['1', '9116', 'Delivered', '2025-03-30T16:14:26Z', '2', '', '', '', ''],
    });
  });

  it('feeds the row validator like a CSV line, numbers and nulls included', () => {
    // Prepare
    const decoder = new JsonLineDecoder(contractOf('order_items'));
    const validator = validatorFor('order_items', {}, decoder.header);
    const line =
      '{"id":3,"order_id":1,"user_id":9116,"product_id":5585,"status":"delivered",' +
      '"created_at":"2025-03-30 17:09:26 UTC","shipped_at":null,"sale_price":43.4}';
    // Act
    const decoded = decoder.decode(line, 4);
    const result = decoded.ok ? validator.validate(decoded.fields, 4) : undefined;
    // Assess
    expect(result).toMatchObject({ ok: true, row: { id: 3, salePriceCents: 4340, shippedAtMs: undefined } });
  });

  it('reports a missing required key as an empty value', () => {
    // Prepare
    const decoder = new JsonLineDecoder(contractOf('products'));
    const validator = validatorFor('products', {}, decoder.header);
    const line =
      '{"id":1,"sku":"eHZ-67752426","cost":"15.58","category":"Beauty","brand":"",' +
      '"retail_price":"53.95","department":"Personal Care"}';
    // Act
    const decoded = decoder.decode(line, 1);
    const result = decoded.ok ? validator.validate(decoded.fields, 1) : undefined;
    // Assess
    expect(result).toEqual({
      ok: false,
      issues: [expect.objectContaining({ code: 'REQUIRED_VALUE_MISSING', column: 'name', line: 1 })],
    });
  });

  it('turns a nested value into its JSON text, which then fails its column check', () => {
    // Prepare
    const decoder = new JsonLineDecoder(contractOf('orders'));
    // Act
    const decoded = decoder.decode('{"order_id":{"n":1}}', 1);
    // Assess
    expect(decoded.ok ? decoded.fields[0] : undefined).toBe('{"n":1}');
  });

  it.each(['{"order_id": 1', 'order_id=1', '', '{"a":1} {"b":2}'])(
    'reports %j as JSON_LINE_MALFORMED',
    (line) => {
      // Prepare
      const decoder = new JsonLineDecoder(contractOf('orders'));
      // Act
      const decoded = decoder.decode(line, 7);
      // Assess
      expect(decoded).toEqual({
        ok: false,
        issue: {
          code: 'JSON_LINE_MALFORMED',
          line: 7,
          column: undefined,
          value: line,
          rule: 'the line is valid JSON',
        },
      });
    },
  );

  it.each(['[1,2]', '42', '"text"', 'null', 'true'])('reports %s as JSON_LINE_NOT_OBJECT', (line) => {
    // Prepare
    const decoder = new JsonLineDecoder(contractOf('orders'));
    // Act
    const decoded = decoder.decode(line, 3);
    // Assess
    expect(decoded).toMatchObject({ ok: false, issue: { code: 'JSON_LINE_NOT_OBJECT', line: 3 } });
  });

  it('collects keys the dataset does not define, once each', () => {
    // Prepare
    const decoder = new JsonLineDecoder(contractOf('orders'));
    // Act
    decoder.decode('{"order_id":1,"channel":"web"}', 1);
    decoder.decode('{"order_id":2,"channel":"app","coupon":null}', 2);
    decoder.decode('{"order_id":3,"gender":"F"}', 3);
    // Assess
    expect(decoder.extraColumns).toEqual(['channel', 'coupon']);
  });

  it('returns the values of keys the dataset does not define as text, with the record', () => {
    // Prepare
    const decoder = new JsonLineDecoder(contractOf('orders'));
    const line =
      '{"order_id":1,"currency":"EUR","rate":1.25,"gift":true,"tags":["a","b"],' +
      '"meta":{"k":1},"coupon":null,"note":""}';
    // Act
    const decoded = decoder.decode(line, 1);
    // Assess
    expect(decoded).toEqual({
      ok: true,
      fields: ['1', '', '', '', '', '', '', '', ''],
      extra: {
        currency: 'EUR',
        rate: '1.25',
        gift: 'true',
        tags: '["a","b"]',
        meta: '{"k":1}',
        coupon: '',
        note: '',
      },
    });
    expect(decoder.extraColumns).toEqual(['currency', 'rate', 'gift', 'tags', 'meta', 'coupon', 'note']);
  });

  it('returns no extra values for a record whose keys are all known', () => {
    // Prepare
    const decoder = new JsonLineDecoder(contractOf('orders'));
    decoder.decode('{"order_id":1,"currency":"EUR"}', 1);
    // Act
    const decoded = decoder.decode('{"order_id":2,"gender":null}', 2);
    // Assess
    expect(decoded).toHaveProperty('extra', undefined);
    expect(decoder.extraColumns).toEqual(['currency']);
  });

  it('collects no extra keys when every key is known', () => {
    // Prepare
    const decoder = new JsonLineDecoder(contractOf('orders'));
    // Act
    decoder.decode('{"order_id":1,"gender":null}', 1);
    // Assess
    expect(decoder.extraColumns).toEqual([]);
  });
});
