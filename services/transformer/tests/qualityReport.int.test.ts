import { GetObjectCommand } from '@aws-sdk/client-s3';
import { startEmbeddedStack } from '@storeflow/local-stack';
import { QUALITY_REPORT_KEY } from '@storeflow/quality-report';
import { perTestFile, sampleFiles } from '@storeflow/testing';
import { createPipeline, sleep, startService, upload, waitForAll } from './harness.js';

const stack = perTestFile(() => startEmbeddedStack());

describe('the quality report page on S3', () => {
  it('is published in the background after files are transformed, and catches up with the later ones', async () => {
    // Prepare: refreshes at most every second
    const pipeline = await createPipeline(stack(), { TRANSFORMER_REPORT_INTERVAL_SECONDS: '1' });
    const files = await sampleFiles();
    const first = files.find((file) => file.dataset === 'products');
    const second = files.find((file) => file.key.endsWith('/orders_part1.csv'));
    if (first === undefined || second === undefined)
      throw new Error('the sample lacks its products or first orders');
    const validator = startService('validator', pipeline);
    const transformer = startService('transformer', pipeline);
    try {
      // Act: two files, one after the other
      await waitForAll(pipeline, [await upload(pipeline, first.key, first.text)], 120_000);
      await waitForAll(pipeline, [await upload(pipeline, second.key, second.text)], 120_000);

      // Assess: within a few intervals the page lists both files
      let page: { html: string; contentType: string | undefined } | undefined;
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(500)) {
        page = await readPage(pipeline.clients, pipeline.names.bucket);
        if (page?.html.includes(`<code>${second.key}</code>`)) break;
      }
      expect(page?.contentType).toBe('text/html; charset=utf-8');
      expect(page?.html).toContain(`<code>${first.key}</code>`);
      expect(page?.html).toContain(`<code>${second.key}</code>`);
      expect(page?.html).toContain(`s3://${pipeline.names.bucket}`);
    } finally {
      await Promise.all([validator.stop(), transformer.stop()]);
      pipeline.clients.destroy();
    }
  }, 200_000);
});

async function readPage(
  clients: Awaited<ReturnType<typeof createPipeline>>['clients'],
  bucket: string,
): Promise<{ html: string; contentType: string | undefined } | undefined> {
  try {
    const response = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: QUALITY_REPORT_KEY }));
    return {
      html: (await response.Body?.transformToString('utf-8')) ?? '',
      contentType: response.ContentType,
    };
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return undefined;
    throw error;
  }
}
