import { PutObjectCommand } from '@aws-sdk/client-s3';
import { startEmbeddedStack } from '@storeflow/local-stack';
import { perTestFile, type Stoppable, uniquePrefix } from '@storeflow/testing';
import {
  type AwsClients,
  bootstrapResources,
  createAwsClients,
  resolveAwsConnection,
  resourceNamesFor,
} from '../../src/index.js';

/** A test file's embedded stack, reached through `clients`, with a freshly bootstrapped bucket. */
export interface StackBucket {
  readonly clients: AwsClients;
  readonly bucket: string;
  /** Writes one object to the bucket and returns its ETag (without quotes). */
  put(key: string, body: string | Uint8Array): Promise<string>;
}

/**
 * For the test file that calls it: an embedded stack started before its first test, resources
 * bootstrapped under a prefix of its own (`<tag>-…`), and both stopped after its last test.
 * Returns a getter, as {@link perTestFile} does: `const s3 = bucketPerTestFile('s3');` then
 * `const { clients, bucket, put } = s3();` inside tests.
 */
export function bucketPerTestFile(tag: string): () => StackBucket {
  return perTestFile<StackBucket & Stoppable>(async () => {
    const stack = await startEmbeddedStack();
    const clients = createAwsClients(resolveAwsConnection(stack.env()));
    const stop = async () => {
      clients.destroy();
      await stack.stop();
    };
    const names = resourceNamesFor(uniquePrefix(tag));
    try {
      await bootstrapResources(clients, { names });
    } catch (error) {
      await stop();
      throw error;
    }
    const bucket = names.bucket;
    return {
      clients,
      bucket,
      put: async (key, body) => {
        const response = await clients.s3.send(
          new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }),
        );
        return (response.ETag ?? '').replace(/"/g, '');
      },
      stop,
    };
  });
}
