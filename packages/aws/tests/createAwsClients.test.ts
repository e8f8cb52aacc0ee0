import { createAwsClients } from '../src/createAwsClients.js';

describe('createAwsClients', () => {
  it('uses path-style S3 and the configured SQS endpoint for emulators', async () => {
    // Prepare
    const clients = createAwsClients({
      region: 'us-east-1',
      endpoints: {
        S3: 'http://127.0.0.1:4566',
        SQS: 'http://127.0.0.1:4566',
        DYNAMODB: 'http://127.0.0.1:8000',
      },
    });

    // Act
    const forcePathStyle = clients.s3.config.forcePathStyle;
    const useQueueUrlAsEndpoint = clients.sqs.config.useQueueUrlAsEndpoint;
    const dynamoEndpoint = await clients.dynamodb.config.endpoint?.();
    clients.destroy();

    // Assess
    expect(forcePathStyle).toBe(true);
    expect(useQueueUrlAsEndpoint).toBe(false);
    expect(dynamoEndpoint?.port).toBe(8000);
  });

  it('leaves the SDK defaults alone for real AWS', () => {
    // Act
    const clients = createAwsClients({ region: 'eu-west-1', endpoints: {} });
    const forcePathStyle = clients.s3.config.forcePathStyle;
    clients.destroy();

    // Assess
    expect(forcePathStyle).toBeFalsy();
  });
});
