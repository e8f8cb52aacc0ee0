import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { type AwsClients, callAws } from '../createAwsClients.js';

// Multipart parts of 8 MiB: under the embedded stack's 11 MiB body limit, above S3's 5 MiB minimum.
const PART_SIZE_BYTES = 8 * 1024 * 1024;

/**
 * One S3 object written as JSON Lines while it streams (rejected rows), through a multipart
 * upload, so memory stays bounded whatever the number of lines. Nothing is sent before the first
 * line, so creating one up front costs nothing.
 */
export class JsonLinesUpload {
  readonly #clients: AwsClients;
  readonly #target: { bucket: string; key: string };
  #upload: { stream: PassThrough; done: Promise<unknown>; upload: Upload } | undefined;

  constructor(clients: AwsClients, target: { bucket: string; key: string }) {
    this.#clients = clients;
    this.#target = target;
  }

  /** Appends one value as a line, waiting while the upload's buffer is full. */
  async write(value: unknown): Promise<void> {
    const { stream } = this.#started();
    if (!stream.write(`${JSON.stringify(value)}\n`)) await once(stream, 'drain');
  }

  /**
   * Completes the object, if any line was written. With `writeEmpty`, a target no line was
   * written to becomes an empty object, replacing whatever an earlier writer of the key left.
   */
  async finish(options: { writeEmpty?: boolean } = {}): Promise<void> {
    if (this.#upload === undefined) {
      if (options.writeEmpty === true) await this.#putEmpty();
      return;
    }
    this.#upload.stream.end();
    await this.#upload.done;
  }

  /**
   * Abandons the upload (the file was deferred or failed midway). Called on paths that already
   * have an error to report, so a failed abort is returned rather than thrown: the parts it
   * leaves are removed by the bucket's incomplete-multipart-upload lifecycle rule.
   */
  async abort(): Promise<Error | undefined> {
    if (this.#upload === undefined) return undefined;
    this.#upload.stream.destroy();
    try {
      await this.#upload.upload.abort();
      return undefined;
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  async #putEmpty(): Promise<void> {
    await callAws(this.#clients, 'S3', 'PutObject', () =>
      this.#clients.s3.send(
        new PutObjectCommand({
          Bucket: this.#target.bucket,
          Key: this.#target.key,
          Body: '',
          // Stated, else the SDK takes the empty body for a stream of unknown length and warns.
          ContentLength: 0,
          ContentType: 'application/x-ndjson',
        }),
      ),
    );
  }

  #started() {
    if (this.#upload !== undefined) return this.#upload;
    const stream = new PassThrough({ highWaterMark: 1024 * 1024 });
    const upload = new Upload({
      client: this.#clients.s3,
      params: {
        Bucket: this.#target.bucket,
        Key: this.#target.key,
        Body: stream,
        ContentType: 'application/x-ndjson',
      },
      partSize: PART_SIZE_BYTES,
      queueSize: 2,
    });
    const done = callAws(this.#clients, 'S3', 'Upload', () => upload.done());
    // Awaited in finish(); this keeps a failure before then from being an unhandled rejection.
    done.catch(() => undefined);
    this.#upload = { stream, done, upload };
    return this.#upload;
  }
}
