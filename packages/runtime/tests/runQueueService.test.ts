import { type QueueServiceContext, runQueueService } from '../src/runQueueService.js';
import { createWorkerConfig } from '../src/workerSettings.js';

type Handler = (body: string) => string;

const { envNames, load } = createWorkerConfig({
  service: 'test',
  defaults: { concurrency: 1, metricsPort: 0 },
  aws: { resourcePrefix: 'test', queue: { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 } },
  settings: {},
});

const ENV = {
  TEST_QUEUE_URL: 'http://127.0.0.1:1/000000000000/test',
  TEST_METRICS_HOST: '127.0.0.1',
  // Only the fatal line of a failed start reaches the test's output.
  TEST_LOG_LEVEL: 'fatal',
};

/** Thrown where the service would have gone on to serve or exit, so a test sees how far it got. */
class Stopped extends Error {
  constructor(readonly at: string) {
    super(`stopped at ${at}`);
  }
}

interface Run {
  /** The handler the poller was given, when it got that far. */
  polled?: Handler;
  destroyed: number;
  context?: QueueServiceContext<unknown, unknown, unknown>;
}

/**
 * Runs the service on fake adapters until the poller is built (it throws {@link Stopped} there,
 * before any server starts) or until the process would exit (`process.exit` throws instead).
 */
async function runUntilPoller(
  createHandler: (context: QueueServiceContext<unknown, unknown, unknown>) => Handler | Promise<Handler>,
): Promise<{ run: Run; stopped: Stopped }> {
  const run: Run = { destroyed: 0 };
  const clients = {
    destroy: () => {
      run.destroyed += 1;
    },
    requests: { tallies: () => [] },
  };
  const realExit = process.exit;
  process.exit = ((code?: number) => {
    throw new Stopped(`exit ${code}`);
  }) as typeof process.exit;
  try {
    await runQueueService({
      service: 'test',
      version: '0',
      env: ENV,
      config: { load, envNames },
      aws: {
        resolveAwsConnection: () => ({}),
        createAwsClients: () => clients,
        SqsPoller: class {
          constructor(options: { handle: Handler }) {
            run.polled = options.handle;
            throw new Stopped('poller');
          }
        } as never,
        QueueDepthReader: class {
          async read() {
            return [];
          }
        } as never,
      },
      metrics: {
        create: () => ({
          messagesInFlight: { set: () => undefined },
          outageRetries: { inc: () => undefined },
        }),
        registerQueueDepth: () => undefined,
      },
      createHandler: (context) => {
        run.context = context as QueueServiceContext<unknown, unknown, unknown>;
        return createHandler(run.context);
      },
    });
  } catch (error) {
    if (error instanceof Stopped) return { run, stopped: error };
    throw error;
  } finally {
    process.exit = realExit;
  }
  throw new Error('runQueueService returned without starting a poller');
}

describe('runQueueService', () => {
  it('gives the poller the handler createHandler returns', async () => {
    // Prepare
    const handler: Handler = (body) => `sync ${body}`;

    // Act
    const { run, stopped } = await runUntilPoller(() => handler);

    // Assess
    expect(stopped.at).toBe('poller');
    expect(run.polled).toBe(handler);
    expect(run.context?.signal.aborted).toBe(false);
  });

  it('awaits a handler createHandler builds asynchronously before polling with it', async () => {
    // Prepare: the handler is ready only after a later turn of the event loop
    const handler: Handler = (body) => `async ${body}`;

    // Act
    const { run, stopped } = await runUntilPoller(
      () => new Promise<Handler>((resolve) => setTimeout(() => resolve(handler), 20)),
    );

    // Assess
    expect(stopped.at).toBe('poller');
    expect(run.polled).toBe(handler);
  });

  it('exits 1 without polling, its clients released, when the handler cannot be built, sync or async', async () => {
    for (const createHandler of [
      () => {
        throw new Error('the data contracts have 1 problem');
      },
      async () => {
        throw new Error('no data contracts at s3://b/contracts/');
      },
    ]) {
      // Act
      const { run, stopped } = await runUntilPoller(createHandler);

      // Assess
      expect(stopped.at).toBe('exit 1');
      expect(run.polled).toBeUndefined();
      expect(run.destroyed).toBe(1);
      expect(run.context?.signal.aborted).toBe(true);
    }
  });
});
