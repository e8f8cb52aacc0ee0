import {
  ContractLocationError,
  createAwsClients,
  EndpointUnreachableError,
  isS3Location,
  parseS3Location,
  readContractObjects,
} from '../src/index.js';

const NAMES = { pattern: /\.odcs\.(?:ya?ml|json)$/i, description: '*.odcs.yaml, *.odcs.yml or *.odcs.json' };

describe('parseS3Location', () => {
  it('reads a prefix like a directory, and a key named like a contract as one object', () => {
    // Act
    const parsed = [
      's3://shop-data/contracts/',
      's3://shop-data/contracts',
      's3://shop-data/team/a/contracts/',
      's3://shop-data/',
      's3://shop-data',
      'S3://shop-data/contracts/orders.odcs.yaml',
      ' s3://shop-data/orders.odcs.json ',
    ].map((location) => parseS3Location(location, NAMES));

    // Assess
    expect(parsed).toEqual([
      { bucket: 'shop-data', prefix: 'contracts/' },
      { bucket: 'shop-data', prefix: 'contracts/' },
      { bucket: 'shop-data', prefix: 'team/a/contracts/' },
      { bucket: 'shop-data', prefix: '' },
      { bucket: 'shop-data', prefix: '' },
      { bucket: 'shop-data', key: 'contracts/orders.odcs.yaml' },
      { bucket: 'shop-data', key: 'orders.odcs.json' },
    ]);
  });

  it('refuses what is not s3://<bucket>/…, naming the location', () => {
    for (const location of ['s3://', 's3:///contracts/', 's3://Shop_Data/contracts/', '/app/contracts']) {
      // Act
      let thrown: unknown;
      try {
        parseS3Location(location, NAMES);
      } catch (error) {
        thrown = error;
      }

      // Assess
      expect(thrown).toBeInstanceOf(ContractLocationError);
      expect((thrown as ContractLocationError).retryable).toBe(false);
      expect((thrown as Error).message).toContain(`no data contracts at ${location}:`);
    }
  });

  it('tells an S3 location from a file path', () => {
    expect(['s3://b/c/', 'S3://b', ' s3://b/'].map(isS3Location)).toEqual([true, true, true]);
    expect(
      ['contracts/', '/app/contracts', 's3:/b', 'https://b.s3.amazonaws.com/'].map(isS3Location),
    ).toEqual([false, false, false, false]);
  });
});

describe('readContractObjects', () => {
  it('keeps an unreachable S3 a retryable outage, not a configuration error', async () => {
    // Prepare: nothing listens on port 1
    const clients = createAwsClients({
      region: 'us-east-1',
      endpoints: { S3: 'http://127.0.0.1:1' },
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    try {
      // Act
      let thrown: unknown;
      try {
        await readContractObjects(clients, 's3://shop-data/contracts/', NAMES);
      } catch (error) {
        thrown = error;
      }

      // Assess
      expect(thrown).toBeInstanceOf(EndpointUnreachableError);
      expect((thrown as EndpointUnreachableError).retryable).toBe(true);
    } finally {
      clients.destroy();
    }
  });
});
