import { resolveAwsConnection } from '../src/awsEndpoints.js';
import { InvalidEndpointError } from '../src/errors.js';

describe('resolveAwsConnection', () => {
  it('targets real AWS when no endpoint variable is set', () => {
    // Act
    const connection = resolveAwsConnection({ AWS_REGION: 'eu-west-1' });

    // Assess
    expect(connection).toEqual({ region: 'eu-west-1', endpoints: {} });
  });

  it('applies AWS_ENDPOINT_URL to every service', () => {
    // Act
    const connection = resolveAwsConnection({ AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' });

    // Assess
    expect(connection.endpoints).toEqual({
      S3: 'http://127.0.0.1:4566',
      SQS: 'http://127.0.0.1:4566',
      DYNAMODB: 'http://127.0.0.1:4566',
      SNS: 'http://127.0.0.1:4566',
    });
  });

  it('lets a per-service variable win over the shared one, ignoring blank values', () => {
    // Act
    const connection = resolveAwsConnection({
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000',
      AWS_ENDPOINT_URL_S3: '   ',
    });

    // Assess
    expect(connection.endpoints.DYNAMODB).toBe('http://127.0.0.1:8000');
    expect(connection.endpoints.S3).toBe('http://127.0.0.1:4566');
  });

  it('prefers AWS_REGION over AWS_DEFAULT_REGION and falls back to us-east-1', () => {
    expect(
      resolveAwsConnection({ AWS_REGION: 'eu-central-1', AWS_DEFAULT_REGION: 'ap-south-1' }).region,
    ).toBe('eu-central-1');
    expect(resolveAwsConnection({ AWS_DEFAULT_REGION: 'ap-south-1' }).region).toBe('ap-south-1');
    expect(resolveAwsConnection({}).region).toBe('us-east-1');
  });
});

describe('resolveAwsConnection credentials', () => {
  it('turns a key pair in the given environment into static credentials', () => {
    const connection = resolveAwsConnection({ AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'secret' });
    expect(connection.credentials).toEqual({ accessKeyId: 'test', secretAccessKey: 'secret' });
  });

  it('leaves credentials to the default chain when the pair is incomplete', () => {
    expect(resolveAwsConnection({ AWS_ACCESS_KEY_ID: 'test' }).credentials).toBeUndefined();
  });
});

describe('resolveAwsConnection endpoint checks', () => {
  it.each(['localhost:4566', 'ftp://127.0.0.1', 'not a url'])('refuses %p, naming the variable', (value) => {
    expect(() => resolveAwsConnection({ AWS_ENDPOINT_URL_SQS: value })).toThrow(
      new InvalidEndpointError('AWS_ENDPOINT_URL_SQS', value),
    );
  });

  it('names the shared variable when the bad value came from it', () => {
    expect(() => resolveAwsConnection({ AWS_ENDPOINT_URL: 'nope' })).toThrow(
      'AWS_ENDPOINT_URL is not an http(s) URL',
    );
  });
});
