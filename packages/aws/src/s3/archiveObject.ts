import { CopyObjectCommand, DeleteObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { type AwsClients, callAws } from '../createAwsClients.js';
import { errorName } from '../errors.js';

export type ArchiveOutcome =
  /** Copied to the destination, and the source removed. */
  | 'archived'
  /** The source is gone (archived by an earlier attempt) or is now another version, left alone. */
  | 'nothing_to_archive';

/**
 * Moves one object version to its archive key: copy (only if the source is still that version),
 * confirm the copy exists, then delete the source if it is still that version. No object is
 * deleted before its copy is confirmed, and repeating the step after a crash is harmless.
 *
 * S3 has no conditional delete on unversioned buckets, so a new upload landing between the last
 * check and the delete could be removed; its own event still names it, and its lineage shows it.
 */
export async function archiveObject(
  clients: AwsClients,
  target: { bucket: string; key: string; eTag: string; destination: string },
): Promise<ArchiveOutcome> {
  const source = await headETag(clients, target.bucket, target.key);
  if (source !== target.eTag) return 'nothing_to_archive';
  await callAws(clients, 'S3', 'CopyObject', () =>
    clients.s3.send(
      new CopyObjectCommand({
        Bucket: target.bucket,
        Key: target.destination,
        CopySource: `${target.bucket}/${encodeURIComponent(target.key).replace(/%2F/g, '/')}`,
        CopySourceIfMatch: `"${target.eTag}"`,
      }),
    ),
  );
  if ((await headETag(clients, target.bucket, target.destination)) === undefined) {
    throw new Error(`archive copy s3://${target.bucket}/${target.destination} is missing after CopyObject`);
  }
  if ((await headETag(clients, target.bucket, target.key)) === target.eTag) {
    await callAws(clients, 'S3', 'DeleteObject', () =>
      clients.s3.send(new DeleteObjectCommand({ Bucket: target.bucket, Key: target.key })),
    );
  }
  return 'archived';
}

/** The object's ETag without quotes, or undefined when there is no such object. */
export async function headETag(
  clients: AwsClients,
  bucket: string,
  key: string,
): Promise<string | undefined> {
  try {
    const response = await clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return (response.ETag ?? '').replace(/"/g, '');
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404 || errorName(error) === 'NotFound' || errorName(error) === 'NoSuchKey')
      return undefined;
    return callAws(clients, 'S3', 'HeadObject', () => Promise.reject(error));
  }
}
