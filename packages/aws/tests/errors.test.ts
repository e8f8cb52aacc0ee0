import {
  AwsCallError,
  EndpointUnreachableError,
  isConnectionError,
  isRetryableAwsError,
  toWorkerError,
} from '../src/errors.js';

function sdkError(name: string, httpStatusCode: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode }, ...extra });
}

function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });
}

describe('AWS error classification', () => {
  it.each([
    ['throttling', sdkError('ThrottlingException', 400)],
    ['provisioned throughput exceeded', sdkError('ProvisionedThroughputExceededException', 400)],
    ['S3 SlowDown', sdkError('SlowDown', 503)],
    ['a 500', sdkError('InternalError', 500)],
    ['an SDK-marked retryable error', sdkError('Whatever', 400, { $retryable: {} })],
    ['a timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
    ['a refused connection', socketError('ECONNREFUSED')],
  ])('treats %s as retryable', (_label, error) => {
    expect(isRetryableAwsError(error)).toBe(true);
  });

  it.each([
    ['access denied', sdkError('AccessDenied', 403)],
    ['a missing key', sdkError('NoSuchKey', 404)],
    ['a validation error', sdkError('ValidationException', 400)],
    ['a non-error value', 'boom'],
  ])('treats %s as permanent', (_label, error) => {
    expect(isRetryableAwsError(error)).toBe(false);
  });

  it('finds a socket error wrapped as the cause of another error', () => {
    const wrapped = new Error('request failed', { cause: socketError('ENOTFOUND') });
    expect(isConnectionError(wrapped)).toBe(true);
    expect(isConnectionError(new Error('plain'))).toBe(false);
  });

  it('reports an unreachable endpoint with the variable to fix', () => {
    // Act
    const error = toWorkerError(socketError('ECONNREFUSED'), {
      operation: 'HeadBucket',
      service: 'S3',
      endpoint: 'http://127.0.0.1:4999',
    });

    // Assess
    expect(error).toBeInstanceOf(EndpointUnreachableError);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('http://127.0.0.1:4999');
    expect(error.message).toContain('AWS_ENDPOINT_URL_S3');
  });

  it('keeps the SDK error as the cause and names the operation', () => {
    // Prepare
    const cause = sdkError('AccessDenied', 403);

    // Act
    const error = toWorkerError(cause, { operation: 'GetObject', service: 'S3', endpoint: undefined });

    // Assess
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({
      code: 'AWS_CALL_FAILED',
      retryable: false,
      operation: 'GetObject',
      httpStatusCode: 403,
    });
    expect(error.cause).toBe(cause);
  });
});

describe('isConnectionError on SDK-wrapped errors', () => {
  it('recognises the SDK wrapper of a socket error whose code was lost', () => {
    const wrapped = new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:9');
    expect(isConnectionError(wrapped)).toBe(true);
    expect(isConnectionError(new Error('table ECONNREFUSED_LOG not found'))).toBe(false);
  });
});
