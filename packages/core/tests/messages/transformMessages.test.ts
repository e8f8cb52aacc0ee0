import { parseTransformMessage, pendingTransformCodec, validatedFileCodec } from '../../src/index.js';

// Bodies exactly as the validator and the transformer have queued them: they must keep parsing.
const VALIDATED_BODY =
  '{"type":"storeflow.validated","bucket":"data","key":"raw/orders/a.csv","objectVersion":"v1",' +
  '"dataset":"orders","eventTime":"2025-04-01T10:00:00.000Z","touchedDates":["2025-03-31","2025-04-01"]}';
const PENDING_BODY =
  '{"type":"storeflow.transform-pending","file":{"bucket":"data","key":"raw/orders/a.csv",' +
  '"objectVersion":"v1","dataset":"orders","eventTime":"2025-04-01T10:00:00.000Z",' +
  '"touchedDates":["2025-03-31","2025-04-01"]},"tickets":{"2025-03-31":4}}';

const FILE = {
  bucket: 'data',
  key: 'raw/orders/a.csv',
  objectVersion: 'v1',
  dataset: 'orders',
  eventTime: '2025-04-01T10:00:00.000Z',
  touchedDates: ['2025-03-31', '2025-04-01'],
} as const;

describe('transform message codecs', () => {
  it('reads a queued validated message as a file without tickets', () => {
    // Act
    const message = parseTransformMessage(VALIDATED_BODY);
    // Assess
    expect(message).toEqual({ kind: 'file', file: FILE, tickets: {} });
  });

  it('reads a queued pending message with its tickets', () => {
    // Act
    const message = parseTransformMessage(PENDING_BODY);
    // Assess
    expect(message).toEqual({ kind: 'file', file: FILE, tickets: { '2025-03-31': 4 } });
  });

  it('writes both messages byte for byte as queued, whatever the order of the fields given', () => {
    // Prepare
    const reordered = {
      touchedDates: FILE.touchedDates,
      eventTime: FILE.eventTime,
      dataset: FILE.dataset,
      objectVersion: FILE.objectVersion,
      key: FILE.key,
      bucket: FILE.bucket,
    };
    // Act
    const validated = validatedFileCodec.encode(reordered);
    const pending = pendingTransformCodec.encode({ file: reordered, tickets: { '2025-03-31': 4 } });
    // Assess
    expect(validated).toBe(VALIDATED_BODY);
    expect(pending).toBe(PENDING_BODY);
  });

  it.each([
    ['not JSON', '{oops'],
    ['a JSON array', '[]'],
    ['an ingest message', '{"type":"storeflow.reprocess","bucket":"data","key":"k","requestId":"r"}'],
    ['a dataset name no contract could declare', VALIDATED_BODY.replace('"orders"', '"Customers!"')],
    ['a touched date that is not a date', VALIDATED_BODY.replace('"2025-03-31"', '"yesterday"')],
    ['a ticket that is not an integer', PENDING_BODY.replace('"2025-03-31":4', '"2025-03-31":4.5')],
    ['a ticket for a key that is not a date', PENDING_BODY.replace('"2025-03-31":4', '"soon":4')],
    ['a pending message without its file', '{"type":"storeflow.transform-pending","tickets":{}}'],
  ])('calls %s unrecognised instead of throwing', (_label, body) => {
    // Act
    const message = parseTransformMessage(body);
    // Assess
    expect(message.kind).toBe('unrecognised');
  });

  it("carries a dataset a contract alone adds, like the pipeline's own", () => {
    // Act
    const message = parseTransformMessage(VALIDATED_BODY.replace('"orders"', '"users"'));
    // Assess
    expect(message).toMatchObject({ kind: 'file', file: { dataset: 'users' } });
  });

  it('keeps each codec to its own format', () => {
    // Act
    const validatedAsPending = pendingTransformCodec.parse(VALIDATED_BODY);
    const pendingAsValidated = validatedFileCodec.parse(PENDING_BODY);
    // Assess
    expect(validatedAsPending.kind).toBe('unrecognised');
    expect(pendingAsValidated.kind).toBe('unrecognised');
  });
});
