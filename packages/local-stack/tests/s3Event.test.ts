import { buildObjectCreatedNotification, buildTestEvent, type ObjectWrite } from '../src/s3Event.js';

describe('buildObjectCreatedNotification', () => {
  it('builds the S3 event version 2.1 shape with the key form-encoded', () => {
    // Prepare
    const write: ObjectWrite = {
      eventName: 'ObjectCreated:Put',
      region: 'eu-west-1',
      bucket: 'landing',
      key: 'raw/a b+(c).csv',
      sizeBytes: 42,
      eTag: 'd41d8cd98f00b204e9800998ecf8427e',
      sequencer: '00018BCFE56800000A',
      requestId: '0123456789ABCDEF',
      hostId: 'host-id',
      time: new Date('2024-03-01T10:00:00.000Z'),
    };

    // Act
    const notification = buildObjectCreatedNotification(write, 'ingest');

    // Assess
    expect(JSON.parse(JSON.stringify(notification))).toEqual({
      Records: [
        {
          eventVersion: '2.1',
          eventSource: 'aws:s3',
          awsRegion: 'eu-west-1',
          eventTime: '2024-03-01T10:00:00.000Z',
          eventName: 'ObjectCreated:Put',
          userIdentity: { principalId: 'AWS:000000000000' },
          requestParameters: { sourceIPAddress: '127.0.0.1' },
          responseElements: { 'x-amz-request-id': '0123456789ABCDEF', 'x-amz-id-2': 'host-id' },
          s3: {
            s3SchemaVersion: '1.0',
            configurationId: 'ingest',
            bucket: {
              name: 'landing',
              ownerIdentity: { principalId: '000000000000' },
              arn: 'arn:aws:s3:::landing',
            },
            object: {
              key: 'raw/a+b%2B%28c%29.csv',
              size: 42,
              eTag: 'd41d8cd98f00b204e9800998ecf8427e',
              sequencer: '00018BCFE56800000A',
            },
          },
        },
      ],
    });
  });
});

describe('buildTestEvent', () => {
  it('builds the s3:TestEvent S3 sends when a configuration is set', () => {
    // Act
    const event = buildTestEvent('landing', 'REQ', 'HOST', new Date('2024-03-01T10:00:00.123Z'));

    // Assess
    expect(event).toEqual({
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Time: '2024-03-01T10:00:00.123Z',
      Bucket: 'landing',
      RequestId: 'REQ',
      HostId: 'HOST',
    });
  });
});
