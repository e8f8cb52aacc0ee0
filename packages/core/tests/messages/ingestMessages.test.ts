import {
  deferredObjectsCodec,
  parseIngestMessage,
  reprocessRequestCodec,
  s3NotificationCodec,
} from '../../src/index.js';

function s3Event(records: object[]): string {
  return JSON.stringify({ Records: records });
}

function record(eventName: string, key: string) {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    eventTime: '2025-04-01T10:00:00.000Z',
    eventName,
    s3: { bucket: { name: 'data' }, object: { key, size: 12, eTag: 'abc123', sequencer: '0A' } },
  };
}

describe('parseIngestMessage', () => {
  it('reads every record of an S3 event and decodes keys as S3 encodes them', () => {
    // Act
    const message = parseIngestMessage(
      s3Event([
        record('ObjectCreated:Put', 'raw/orders/Gr%C3%B6%C3%9Fe+%281%29%2Bx+y.csv'),
        record('ObjectCreated:CompleteMultipartUpload', 'raw/order_items/b.csv'),
      ]),
    );

    // Assess
    expect(message).toEqual({
      kind: 'objects',
      attempt: 1,
      objects: [
        {
          bucket: 'data',
          key: 'raw/orders/Größe (1)+x y.csv',
          eTag: 'abc123',
          sizeBytes: 12,
          eventTime: '2025-04-01T10:00:00.000Z',
        },
        expect.objectContaining({ key: 'raw/order_items/b.csv' }),
      ],
    });
  });

  it('skips records that are not creations', () => {
    const message = parseIngestMessage(s3Event([record('ObjectRemoved:Delete', 'raw/orders/a.csv')]));
    expect(message).toEqual({ kind: 'objects', objects: [], attempt: 1 });
  });

  it('recognises the test event S3 sends when a notification is configured', () => {
    const message = parseIngestMessage(
      JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'data' }),
    );
    expect(message).toEqual({ kind: 'test-event' });
  });

  it('reads a reprocess request from the CLI', () => {
    const message = parseIngestMessage(
      JSON.stringify({
        type: 'storeflow.reprocess',
        bucket: 'data',
        key: 'raw/orders/a.csv',
        requestId: 'r-1',
      }),
    );
    expect(message).toEqual({
      kind: 'objects',
      attempt: 1,
      objects: [{ bucket: 'data', key: 'raw/orders/a.csv', reprocessId: 'r-1' }],
    });
  });

  it('round-trips its own deferral with the attempt number', () => {
    // Prepare
    const objects = [
      { bucket: 'data', key: 'raw/order_items/a.csv', eTag: 'e', eventTime: '2025-04-01T10:00:00.000Z' },
    ];

    // Act
    const message = parseIngestMessage(deferredObjectsCodec.encode({ objects, attempt: 3 }));

    // Assess
    expect(message).toEqual({ kind: 'objects', objects, attempt: 3 });
  });

  it('round-trips a wake-up with the key of the file that sent it', () => {
    // Prepare
    const objects = [
      { bucket: 'data', key: 'raw/order_items/a.csv', eTag: 'e', eventTime: '2025-04-01T10:00:00.000Z' },
    ];

    // Act
    const message = parseIngestMessage(
      deferredObjectsCodec.encode({ objects, attempt: 2, wokenBy: 'raw/orders/o.csv' }),
    );

    // Assess
    expect(message).toEqual({ kind: 'objects', objects, attempt: 2, wokenBy: 'raw/orders/o.csv' });
  });

  it.each([
    ['not JSON', '{oops'],
    [
      'a deferral woken by a non-string',
      '{"type":"storeflow.deferred","objects":[{"bucket":"b","key":"k"}],"attempt":2,"wokenBy":7}',
    ],
    ['a JSON array', '[]'],
    ['an unknown object', '{"hello":"world"}'],
    ['a reprocess request without a key', '{"type":"storeflow.reprocess","bucket":"data","requestId":"r"}'],
    ['a record without s3', '{"Records":[{"eventName":"ObjectCreated:Put"}]}'],
  ])('calls %s unrecognised instead of throwing', (_label, body) => {
    expect(parseIngestMessage(body).kind).toBe('unrecognised');
  });
});

describe('ingest message codecs', () => {
  it('writes the reprocess request byte for byte as queued requests have it', () => {
    // Act
    const body = reprocessRequestCodec.encode({
      bucket: 'bucket-1',
      key: 'raw/orders/a b.csv',
      requestId: 'req-1',
    });
    // Assess
    expect(body).toBe(
      '{"type":"storeflow.reprocess","bucket":"bucket-1","key":"raw/orders/a b.csv","requestId":"req-1"}',
    );
  });

  it('writes the deferral byte for byte as queued deferrals have it', () => {
    // Prepare
    const objects = [
      { bucket: 'data', key: 'raw/order_items/a.csv', eTag: 'e', eventTime: '2025-04-01T10:00:00.000Z' },
    ];
    // Act
    const body = deferredObjectsCodec.encode({ objects, attempt: 2 });
    // Assess
    expect(body).toBe(
      '{"type":"storeflow.deferred","objects":[{"bucket":"data","key":"raw/order_items/a.csv","eTag":"e",' +
        '"eventTime":"2025-04-01T10:00:00.000Z"}],"attempt":2}',
    );
  });

  it('encodes an S3 notification the ingest parser reads back, keys form-encoded as S3 does', () => {
    // Prepare
    const object = {
      bucket: 'data',
      key: 'raw/orders/Größe (1)+x y.csv',
      eTag: 'abc',
      versionId: 'v1',
      sizeBytes: 7,
      eventTime: '2025-04-01T10:00:00.000Z',
    };
    // Act
    const body = s3NotificationCodec.encode({ kind: 'objects-created', objects: [object] });
    // Assess
    expect(body).toContain('"key":"raw/orders/Gr%C3%B6%C3%9Fe+%281%29%2Bx+y.csv"');
    expect(parseIngestMessage(body)).toEqual({ kind: 'objects', objects: [object], attempt: 1 });
  });

  it('reads the S3 test event with its bucket', () => {
    // Act
    const parsed = s3NotificationCodec.parse(
      s3NotificationCodec.encode({ kind: 'test-event', bucket: 'data' }),
    );
    // Assess
    expect(parsed).toEqual({ kind: 'ok', value: { kind: 'test-event', bucket: 'data' } });
  });

  it.each([
    ['reprocess request', reprocessRequestCodec],
    ['deferral', deferredObjectsCodec],
    ['S3 notification', s3NotificationCodec],
  ] as const)('the %s codec calls a body of another format unrecognised', (_label, codec) => {
    // Act
    const results = ['{oops', '"text"', '{"type":"storeflow.validated"}'].map((body) => codec.parse(body));
    // Assess
    expect(results.map((result) => result.kind)).toEqual(['unrecognised', 'unrecognised', 'unrecognised']);
  });
});
