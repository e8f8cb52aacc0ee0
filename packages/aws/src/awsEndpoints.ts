import { InvalidEndpointError } from './errors.js';

/** The AWS services this project talks to, as named in `AWS_ENDPOINT_URL_<SERVICE>`. */
export const AwsService = {
  S3: 'S3',
  SQS: 'SQS',
  DYNAMODB: 'DYNAMODB',
  SNS: 'SNS',
} as const;
export type AwsService = (typeof AwsService)[keyof typeof AwsService];

/** Where and how to reach AWS: real AWS when no endpoint is set, an emulator otherwise. */
export interface AwsConnection {
  region: string;
  /** Per-service endpoint override; absent means the SDK's own AWS endpoint. */
  endpoints: Partial<Record<AwsService, string>>;
  /**
   * Static credentials when the given environment holds a key pair (the embedded stack's env
   * file does); absent means the SDK's default provider chain (task role, profile, SSO…).
   */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/**
 * Reads the connection from environment variables the way the AWS SDKs and CLI do:
 * `AWS_ENDPOINT_URL_<SERVICE>` wins over `AWS_ENDPOINT_URL`, and `AWS_REGION` over
 * `AWS_DEFAULT_REGION`. A key pair in the same environment becomes static credentials (so a
 * record that is not `process.env`, such as the embedded stack's, works too); otherwise
 * credentials are left to the SDK's default provider chain.
 *
 * @throws InvalidEndpointError when an endpoint variable is not an http(s) URL
 *
 * @example
 * const connection = resolveAwsConnection({ AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' });
 * // { region: 'us-east-1', endpoints: { S3: 'http://127.0.0.1:4566', SQS: …, DYNAMODB: …, SNS: … } }
 */
export function resolveAwsConnection(env: Readonly<Record<string, string | undefined>>): AwsConnection {
  const endpoints: Partial<Record<AwsService, string>> = {};
  for (const service of Object.values(AwsService)) {
    const variable =
      nonEmpty(env[`AWS_ENDPOINT_URL_${service}`]) === undefined
        ? 'AWS_ENDPOINT_URL'
        : `AWS_ENDPOINT_URL_${service}`;
    const endpoint = nonEmpty(env[variable]);
    if (endpoint === undefined) continue;
    if (!isHttpUrl(endpoint)) throw new InvalidEndpointError(variable, endpoint);
    endpoints[service] = endpoint;
  }
  const region = nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? 'us-east-1';
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  if (accessKeyId === undefined || secretAccessKey === undefined) return { region, endpoints };
  const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
  return {
    region,
    endpoints,
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
