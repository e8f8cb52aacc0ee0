/** The AWS services this project talks to, as named in `AWS_ENDPOINT_URL_<SERVICE>`. */
export const AwsService = {
  S3: 'S3',
  SQS: 'SQS',
  DYNAMODB: 'DYNAMODB',
} as const;
export type AwsService = (typeof AwsService)[keyof typeof AwsService];

/** Where and how to reach AWS: real AWS when no endpoint is set, an emulator otherwise. */
export interface AwsConnection {
  region: string;
  /** Per-service endpoint override; absent means the SDK's own AWS endpoint. */
  endpoints: Partial<Record<AwsService, string>>;
}

/**
 * Reads the connection from environment variables the way the AWS SDKs and CLI do:
 * `AWS_ENDPOINT_URL_<SERVICE>` wins over `AWS_ENDPOINT_URL`, and `AWS_REGION` over
 * `AWS_DEFAULT_REGION`. Credentials are left to the SDK's default provider chain.
 *
 * @example
 * const connection = resolveAwsConnection({ AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' });
 * // { region: 'us-east-1', endpoints: { S3: 'http://127.0.0.1:4566', SQS: …, DYNAMODB: … } }
 */
export function resolveAwsConnection(env: Readonly<Record<string, string | undefined>>): AwsConnection {
  const shared = nonEmpty(env.AWS_ENDPOINT_URL);
  const endpoints: Partial<Record<AwsService, string>> = {};
  for (const service of Object.values(AwsService)) {
    const endpoint = nonEmpty(env[`AWS_ENDPOINT_URL_${service}`]) ?? shared;
    if (endpoint !== undefined) endpoints[service] = endpoint;
  }
  const region = nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? 'us-east-1';
  return { region, endpoints };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
