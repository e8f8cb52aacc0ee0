import { ResourceConflictError } from '../src/errors.js';
import { deadLetterQueueUrl } from '../src/QueueDepthReader.js';

const policy = (deadLetterTargetArn: unknown) => JSON.stringify({ deadLetterTargetArn, maxReceiveCount: 5 });

describe('deadLetterQueueUrl', () => {
  it.each([
    [
      'AWS',
      'https://sqs.eu-west-1.amazonaws.com/123456789012/shop-ingest',
      'https://sqs.eu-west-1.amazonaws.com/123456789012/shop-ingest-dlq',
    ],
    [
      'LocalStack with SQS_ENDPOINT_STRATEGY=off',
      'http://localstack:4566/000000000000/shop-ingest',
      'http://localstack:4566/000000000000/shop-ingest-dlq',
    ],
    [
      'LocalStack with the path strategy',
      'http://localhost:4566/queue/eu-west-1/000000000000/shop-ingest',
      'http://localhost:4566/queue/eu-west-1/000000000000/shop-ingest-dlq',
    ],
  ])(
    'keeps the endpoint and account of a %s queue URL and takes the name from the ARN',
    (_, source, expected) => {
      // Act
      const url = deadLetterQueueUrl(source, policy('arn:aws:sqs:eu-west-1:123456789012:shop-ingest-dlq'));

      // Assess
      expect(url).toBe(expected);
    },
  );

  it.each([
    ['no policy', undefined],
    ['an emptied policy', ''],
    ['a policy that is not JSON', '{deadLetterTargetArn'],
    ['a target that is not an SQS ARN', policy('arn:aws:sns:eu-west-1:123456789012:topic')],
    ['no target', JSON.stringify({ maxReceiveCount: 5 })],
  ])('refuses %s, naming the queue', (_, redrivePolicy) => {
    const source = 'https://sqs.eu-west-1.amazonaws.com/123456789012/shop-ingest';

    expect(() => deadLetterQueueUrl(source, redrivePolicy)).toThrow(ResourceConflictError);
    expect(() => deadLetterQueueUrl(source, redrivePolicy)).toThrow(source);
  });
});
