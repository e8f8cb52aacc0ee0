import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { type ContractSource, WorkerError } from '@storeflow/core';
import { type AwsClients, callAws } from '../createAwsClients.js';
import { AwsCallError, ContractLocationError } from '../errors.js';

/** The scheme of an S3 location of data contracts: `s3://<bucket>/<prefix>/`. */
export const S3_LOCATION_SCHEME = 's3://';

/** Where an S3 location points: every contract directly under a prefix, or one object. */
export type S3ContractLocation =
  | { readonly bucket: string; readonly prefix: string }
  | { readonly bucket: string; readonly key: string };

/** How the objects read as contracts are named. */
export interface ContractNames {
  /** Object names (the key's last segment) that are contracts: `CONTRACT_FILE_PATTERN` of the runtime. */
  readonly pattern: RegExp;
  /** The same in words, for messages: `*.odcs.yaml, *.odcs.yml or *.odcs.json`. */
  readonly description: string;
}

// S3's bucket naming rules, as far as a typo shows.
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** True when `value` is an S3 location (`s3://…`, any case) rather than a file path. */
export function isS3Location(value: string): boolean {
  return value.trim().toLowerCase().startsWith(S3_LOCATION_SCHEME);
}

/**
 * Reads an S3 location of data contracts. A key whose last segment is named like a contract is
 * that one object; anything else is a prefix, read like a directory (`s3://b/contracts` is
 * `s3://b/contracts/`, `s3://b/` the bucket's top level).
 *
 * @throws ContractLocationError when it is not `s3://<bucket>/…` with a valid bucket name
 * @example
 * parseS3Location('s3://shop-data/contracts/', names); // { bucket: 'shop-data', prefix: 'contracts/' }
 */
export function parseS3Location(location: string, names: ContractNames): S3ContractLocation {
  const trimmed = location.trim();
  if (!isS3Location(trimmed))
    throw new ContractLocationError(location, `not an ${S3_LOCATION_SCHEME} location`);
  const rest = trimmed.slice(S3_LOCATION_SCHEME.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash + 1);
  if (!BUCKET_NAME.test(bucket)) {
    throw new ContractLocationError(
      location,
      `'${bucket}' is not a bucket name; use s3://<bucket>/<prefix>/, e.g. s3://storeflow-data/contracts/`,
    );
  }
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (name !== '' && names.pattern.test(name)) return { bucket, key: path };
  return { bucket, prefix: path === '' || path.endsWith('/') ? path : `${path}/` };
}

/**
 * The contract documents at an S3 location (see {@link parseS3Location}): each object directly
 * under the prefix whose name matches `names.pattern`, sorted by key (objects in deeper "folders"
 * are not read, as a directory's subdirectories are not), each with `s3://bucket/key` as its
 * source. The listing pages through ListObjectsV2 (`pageSize` keys a page, S3's 1,000 by default).
 *
 * @throws ContractLocationError (not retryable) when the location is malformed, its bucket does
 *   not exist, nothing under the prefix is a contract, the named object is missing, or S3 refuses
 *   the read
 * @throws the typed error of any S3 call (`EndpointUnreachableError`, a retryable `AwsCallError`)
 *   when S3 is out: the same read may succeed later
 * @example
 * const sources = await readContractObjects(clients, 's3://shop-data/contracts/', {
 *   pattern: CONTRACT_FILE_PATTERN, description: CONTRACT_FILE_NAMES });
 */
export async function readContractObjects(
  clients: AwsClients,
  location: string,
  names: ContractNames & { readonly pageSize?: number },
): Promise<ContractSource[]> {
  const target = parseS3Location(location, names);
  try {
    if ('key' in target) return [await readObject(clients, target.bucket, target.key)];
    const keys = (await listNames(clients, target.bucket, target.prefix, names.pageSize))
      .filter((key) => names.pattern.test(key.slice(target.prefix.length)))
      .sort();
    if (keys.length === 0) {
      throw new ContractLocationError(
        location,
        `no object directly under the prefix is named ${names.description}`,
      );
    }
    // A handful of small objects: read together, kept in key order.
    return await Promise.all(keys.map((key) => readObject(clients, target.bucket, key)));
  } catch (error) {
    throw explained(location, target.bucket, error);
  }
}

async function listNames(
  clients: AwsClients,
  bucket: string,
  prefix: string,
  pageSize: number | undefined,
): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await callAws(clients, 'S3', 'ListObjectsV2', () =>
      clients.s3.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          // Only the prefix's own objects: deeper "folders" come back as CommonPrefixes, unread.
          Delimiter: '/',
          ContinuationToken: token,
          ...(pageSize === undefined ? {} : { MaxKeys: pageSize }),
        }),
      ),
    );
    for (const entry of page.Contents ?? []) if (entry.Key !== undefined) keys.push(entry.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys;
}

async function readObject(clients: AwsClients, bucket: string, key: string): Promise<ContractSource> {
  // The body is read inside the call, so a download cut half-way is typed like the request.
  const text = await callAws(clients, 'S3', 'GetObject', async () => {
    const response = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await response.Body?.transformToString('utf-8')) ?? '';
  });
  return { source: `${S3_LOCATION_SCHEME}${bucket}/${key}`, text };
}

/**
 * A failure in the words of the location: a missing bucket or object, or any refusal (access
 * denied, a bad request), is the location's problem and not retryable; an outage keeps its own
 * retryable error, since the same read may succeed once S3 answers.
 */
function explained(location: string, bucket: string, error: unknown): unknown {
  if (error instanceof ContractLocationError) return error;
  if (error instanceof AwsCallError) {
    if (error.awsErrorName === 'NoSuchBucket')
      return new ContractLocationError(location, `bucket ${bucket} does not exist`, { cause: error });
    if (error.awsErrorName === 'NoSuchKey')
      return new ContractLocationError(location, 'the object does not exist', { cause: error });
  }
  if (error instanceof WorkerError && !error.retryable)
    return new ContractLocationError(location, error.message, { cause: error });
  return error;
}
