import {
  CopyObjectCommand,
  CreateBucketCommand,
  GetBucketNotificationConfigurationCommand,
  HeadObjectCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
  decodeS3EventKey,
  type EmbeddedStack,
  type S3EventNotification,
  startEmbeddedStack,
} from '../src/index.js';
import {
  bucketNotifyingQueue,
  createQueue,
  receiveBodies,
  type StackClients,
  stackClients,
  uniqueName,
} from './helpers.js';

describe('S3 event notifications on the embedded stack', () => {
  let stack: EmbeddedStack;
  let aws: StackClients;

  beforeAll(async () => {
    stack = await startEmbeddedStack();
    aws = stackClients(stack.env());
  }, 90_000);

  afterAll(async () => {
    aws?.destroy();
    await stack?.stop();
  });

  it('sends exactly one s3:TestEvent when a configuration is set, and returns the configuration', async () => {
    // Prepare
    const bucket = uniqueName('bucket');
    await aws.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const { queueUrl, queueArn } = await createQueue(aws.sqs, uniqueName('events'));

    // Act
    await aws.s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        NotificationConfiguration: {
          QueueConfigurations: [
            {
              Id: 'raw-csv',
              QueueArn: queueArn,
              Events: ['s3:ObjectCreated:*'],
              Filter: {
                Key: {
                  FilterRules: [
                    { Name: 'prefix', Value: 'raw/' },
                    { Name: 'suffix', Value: '.csv' },
                  ],
                },
              },
            },
          ],
        },
      }),
    );
    const messages = await receiveBodies(aws.sqs, queueUrl, 1);
    const configuration = await aws.s3.send(
      new GetBucketNotificationConfigurationCommand({ Bucket: bucket }),
    );

    // Assess
    expect(messages).toEqual([
      {
        Service: 'Amazon S3',
        Event: 's3:TestEvent',
        Time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        Bucket: bucket,
        RequestId: expect.any(String),
        HostId: expect.any(String),
      },
    ]);
    expect(configuration.QueueConfigurations).toEqual([
      {
        Id: 'raw-csv',
        QueueArn: queueArn,
        Events: ['s3:ObjectCreated:*'],
        Filter: {
          Key: {
            FilterRules: [
              { Name: 'Prefix', Value: 'raw/' },
              { Name: 'Suffix', Value: '.csv' },
            ],
          },
        },
      },
    ]);
    // Queue URLs are built from the Host header the proxy passes on, so they name the public port.
    expect(new URL(queueUrl).port).toBe(new URL(stack.endpoints.sqs).port);
  });

  it('refuses a configuration that names a missing queue', async () => {
    // Prepare
    const bucket = uniqueName('bucket');
    await aws.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const missingArn = `arn:aws:sqs:${stack.region}:000000000000:${uniqueName('missing')}`;

    // Act
    const put = aws.s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        NotificationConfiguration: {
          QueueConfigurations: [{ QueueArn: missingArn, Events: ['s3:ObjectCreated:*'] }],
        },
      }),
    );

    // Assess
    await expect(put).rejects.toMatchObject({
      name: 'InvalidArgument',
      message: 'Unable to validate the following destination configurations',
      $metadata: { httpStatusCode: 400 },
    });
    const configuration = await aws.s3.send(
      new GetBucketNotificationConfigurationCommand({ Bucket: bucket }),
    );
    expect(configuration.QueueConfigurations ?? []).toEqual([]);
  });

  it('delivers one ObjectCreated:Put in the AWS shape, with the key encoded as S3 encodes it', async () => {
    // Prepare
    const { bucket, queueUrl } = await bucketNotifyingQueue(aws.s3, aws.sqs, [
      { name: 'Prefix', value: 'raw/' },
    ]);
    const key = 'raw/orders/Größe (1)+x y.csv';
    const body = 'order_id,amount\n1,9.99\n';

    // Act
    await aws.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    const messages = await receiveBodies(aws.sqs, queueUrl, 1);

    // Assess
    const head = await aws.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(messages).toEqual([
      {
        Records: [
          {
            eventVersion: '2.1',
            eventSource: 'aws:s3',
            awsRegion: stack.region,
            eventTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
            eventName: 'ObjectCreated:Put',
            userIdentity: { principalId: expect.any(String) },
            requestParameters: { sourceIPAddress: '127.0.0.1' },
            responseElements: { 'x-amz-request-id': expect.any(String), 'x-amz-id-2': expect.any(String) },
            s3: {
              s3SchemaVersion: '1.0',
              configurationId: 'ingest',
              bucket: {
                name: bucket,
                ownerIdentity: { principalId: expect.any(String) },
                arn: `arn:aws:s3:::${bucket}`,
              },
              object: {
                key: 'raw/orders/Gr%C3%B6%C3%9Fe+%281%29%2Bx+y.csv',
                size: Buffer.byteLength(body),
                eTag: head.ETag?.replaceAll('"', ''),
                sequencer: expect.stringMatching(/^[0-9A-F]+$/),
              },
            },
          },
        ],
      },
    ]);
    const object = (messages[0] as S3EventNotification).Records[0]?.s3.object;
    expect(head.ContentLength).toBe(object?.size);
    expect(decodeS3EventKey(object?.key ?? '')).toBe(key);
  });

  it('delivers one ObjectCreated:CompleteMultipartUpload for a 30 MB multipart upload', async () => {
    // Prepare
    const { bucket, queueUrl } = await bucketNotifyingQueue(aws.s3, aws.sqs, [
      { name: 'Prefix', value: 'raw/' },
    ]);
    const key = 'raw/orders/large.csv';
    const body = Buffer.alloc(30 * 1024 * 1024, 'a');

    // Act
    await new Upload({
      client: aws.s3,
      params: { Bucket: bucket, Key: key, Body: body },
      // fauxqs refuses request bodies over 11 MiB, so parts stay below that.
      partSize: 8 * 1024 * 1024,
    }).done();
    const messages = await receiveBodies(aws.sqs, queueUrl, 1);

    // Assess
    const head = await aws.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(messages).toHaveLength(1);
    const record = (messages[0] as S3EventNotification).Records[0];
    expect(record?.eventName).toBe('ObjectCreated:CompleteMultipartUpload');
    expect(record?.s3.object).toEqual({
      key,
      size: 30 * 1024 * 1024,
      eTag: head.ETag?.replaceAll('"', ''),
      sequencer: expect.any(String),
    });
    expect(head.ContentLength).toBe(30 * 1024 * 1024);
  }, 60_000);

  it('sends nothing for a key outside the prefix filter', async () => {
    // Prepare
    const { bucket, queueUrl } = await bucketNotifyingQueue(aws.s3, aws.sqs, [
      { name: 'Prefix', value: 'raw/' },
    ]);

    // Act
    await aws.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'archive/orders.csv', Body: 'x' }));
    const messages = await receiveBodies(aws.sqs, queueUrl, 0, 1_000);

    // Assess
    expect(messages).toEqual([]);
  });

  it('honours a suffix filter', async () => {
    // Prepare
    const { bucket, queueUrl } = await bucketNotifyingQueue(aws.s3, aws.sqs, [
      { name: 'Prefix', value: 'raw/' },
      { name: 'Suffix', value: '.csv' },
    ]);

    // Act
    await aws.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'raw/orders.json', Body: '{}' }));
    await aws.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'raw/orders.csv', Body: 'a,b\n' }));
    const messages = (await receiveBodies(aws.sqs, queueUrl, 1)) as S3EventNotification[];

    // Assess
    expect(messages.map((message) => message.Records[0]?.s3.object.key)).toEqual(['raw/orders.csv']);
  });

  it('delivers exactly one ObjectCreated:Copy for a copy into raw/', async () => {
    // Prepare
    const { bucket, queueUrl } = await bucketNotifyingQueue(aws.s3, aws.sqs, [
      { name: 'Prefix', value: 'raw/' },
    ]);
    await aws.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'staging/orders.csv', Body: 'a,b\n1,2\n' }),
    );

    // Act
    await aws.s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'raw/orders.csv',
        CopySource: `${bucket}/staging/orders.csv`,
      }),
    );
    const messages = (await receiveBodies(aws.sqs, queueUrl, 1)) as S3EventNotification[];

    // Assess
    const head = await aws.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'raw/orders.csv' }));
    expect(messages).toHaveLength(1);
    expect(messages[0]?.Records[0]?.eventName).toBe('ObjectCreated:Copy');
    expect(messages[0]?.Records[0]?.s3.object).toMatchObject({
      key: 'raw/orders.csv',
      size: head.ContentLength,
      eTag: head.ETag?.replaceAll('"', ''),
    });
  });
});
