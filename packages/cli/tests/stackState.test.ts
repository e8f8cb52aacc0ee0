import { toDotenv } from '../src/stackState.js';

describe('toDotenv', () => {
  it('writes one NAME=value line per variable', () => {
    // Act
    const text = toDotenv({ AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4566' });

    // Assess
    expect(text).toBe('AWS_REGION=us-east-1\nAWS_ENDPOINT_URL_S3=http://127.0.0.1:4566\n');
  });
});
