import { PutObjectCommand } from '@aws-sdk/client-s3';
import { type AwsClients, callAws } from '../createAwsClients.js';

/** Writes `value` as indented JSON (reports, error documents), replacing any object at `key`. */
export async function putJsonObject(
  clients: AwsClients,
  target: { bucket: string; key: string },
  value: unknown,
): Promise<void> {
  await callAws(clients, 'S3', 'PutObject', () =>
    clients.s3.send(
      new PutObjectCommand({
        Bucket: target.bucket,
        Key: target.key,
        Body: `${JSON.stringify(value, null, 2)}\n`,
        ContentType: 'application/json',
      }),
    ),
  );
}
