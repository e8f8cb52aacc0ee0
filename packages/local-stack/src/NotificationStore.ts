import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { QueueConfiguration } from './notificationConfiguration.js';

const FILE_NAME = 's3-notifications.json';

/**
 * Bucket notification configurations, which fauxqs accepts but does not keep. With a directory
 * they are written to `<dir>/s3-notifications.json` on every change, so they survive restarts
 * together with fauxqs's own state.
 */
export class NotificationStore {
  readonly #byBucket: Map<string, QueueConfiguration[]>;
  readonly #file: string | undefined;
  // Saves run one after another, so concurrent updates cannot interleave their temporary files.
  #saving: Promise<void> = Promise.resolve();

  private constructor(byBucket: Map<string, QueueConfiguration[]>, file: string | undefined) {
    this.#byBucket = byBucket;
    this.#file = file;
  }

  /** Opens the store, loading what an earlier run saved in `dir` (in memory only without one). */
  static async open(dir?: string): Promise<NotificationStore> {
    if (dir === undefined) return new NotificationStore(new Map(), undefined);
    const file = path.join(dir, FILE_NAME);
    let saved: Record<string, QueueConfiguration[]> = {};
    try {
      saved = JSON.parse(await readFile(file, 'utf8')) as Record<string, QueueConfiguration[]>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return new NotificationStore(new Map(Object.entries(saved)), file);
  }

  get(bucket: string): readonly QueueConfiguration[] {
    return this.#byBucket.get(bucket) ?? [];
  }

  /** Replaces a bucket's configurations, as `PutBucketNotificationConfiguration` does. */
  async set(bucket: string, configurations: QueueConfiguration[]): Promise<void> {
    if (configurations.length === 0) this.#byBucket.delete(bucket);
    else this.#byBucket.set(bucket, configurations);
    const file = this.#file;
    if (file === undefined) return;
    const snapshot = JSON.stringify(Object.fromEntries(this.#byBucket), null, 2);
    const save = this.#saving.then(async () => {
      await mkdir(path.dirname(file), { recursive: true });
      // Write-then-rename, so a crash mid-write never leaves a truncated file behind.
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, snapshot);
      await rename(temporary, file);
    });
    this.#saving = save.catch(() => undefined);
    await save;
  }
}
