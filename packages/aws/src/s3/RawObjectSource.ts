import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { type AwsClients, callAws } from '../createAwsClients.js';
import { errorName, ObjectUnreadableError } from '../errors.js';

/** What HEAD tells about a raw object version. */
export interface RawObjectHead {
  /** The ETag without quotes. */
  readonly eTag: string;
  readonly sizeBytes: number;
  /** ISO time of the upload: the event time of a reprocess message. */
  readonly lastModified: string;
}

/** One raw object, by key and, on a versioned bucket, version id. */
export interface RawObjectRef {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
}

/**
 * Reads the raw objects the validator validates: HEAD with "gone" as a value, and the bytes of
 * exactly one version (by ETag), gunzipped when the object is gzip.
 */
export class RawObjectSource {
  readonly #clients: AwsClients;

  constructor(options: { clients: AwsClients }) {
    this.#clients = options.clients;
  }

  /** The object's HEAD, or undefined when it no longer exists (archived by an earlier delivery, or deleted). */
  async head(object: RawObjectRef): Promise<RawObjectHead | undefined> {
    try {
      const head = await this.#clients.s3.send(
        new HeadObjectCommand({
          Bucket: object.bucket,
          Key: object.key,
          ...(object.versionId === undefined ? {} : { VersionId: object.versionId }),
        }),
      );
      return {
        eTag: (head.ETag ?? '').replace(/"/g, ''),
        sizeBytes: head.ContentLength ?? 0,
        lastModified: (head.LastModified ?? new Date(0)).toISOString(),
      };
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404 || errorName(error) === 'NotFound' || errorName(error) === 'NoSuchKey')
        return undefined;
      return callAws(this.#clients, 'S3', 'HeadObject', () => Promise.reject(error));
    }
  }

  /**
   * The bytes of the object version whose ETag is `eTag` (a newer upload fails the read rather
   * than being read in its place), decompressed when `gzip`. A corrupt gzip stream fails the
   * iteration with {@link ObjectUnreadableError}; other read failures keep their own class.
   */
  async open(
    object: { bucket: string; key: string; eTag: string; gzip: boolean },
    signal: AbortSignal,
  ): Promise<AsyncIterable<Uint8Array>> {
    const response = await callAws(this.#clients, 'S3', 'GetObject', () =>
      this.#clients.s3.send(
        new GetObjectCommand({ Bucket: object.bucket, Key: object.key, IfMatch: `"${object.eTag}"` }),
        { abortSignal: signal },
      ),
    );
    const body = response.Body as Readable;
    if (!object.gzip) return body;
    const gunzip = body.pipe(createGunzip());
    // pipe() does not forward the source's errors: without this a failed download would hang.
    body.on('error', (error) => gunzip.destroy(error));
    return gunzipped(gunzip);
  }
}

async function* gunzipped(source: Readable): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of source) yield chunk as Uint8Array;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new ObjectUnreadableError(`gzip stream is corrupt: ${(error as Error).message}`, {
        cause: error,
      });
    }
    throw error;
  }
}
