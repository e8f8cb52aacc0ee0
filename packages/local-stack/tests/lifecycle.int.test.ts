import net from 'node:net';
import { JavaUnavailableError, PortInUseError, startEmbeddedStack } from '../src/index.js';
import { isPortOpen, isProcessAlive } from '../src/ports.js';
import { listeningSockets } from './helpers.js';

const portOf = (endpoint: string) => Number(new URL(endpoint).port);

describe('embedded stack lifecycle', () => {
  it('listens on 127.0.0.1 only, and after stop() leaves no JVM and no open port', async () => {
    // Prepare
    const before = new Set((await listeningSockets()).map((socket) => `${socket.address}:${socket.port}`));
    const stack = await startEmbeddedStack();
    const ports = [portOf(stack.endpoints.s3), portOf(stack.endpoints.dynamodb)];
    const jvmPid = stack.dynamodbPid ?? -1;
    // Includes fauxqs's internal port, which has no endpoint of its own.
    const opened = (await listeningSockets()).filter(
      (socket) => !before.has(`${socket.address}:${socket.port}`),
    );

    // Act
    await stack.stop();

    // Assess
    expect(opened.length).toBeGreaterThanOrEqual(3);
    for (const port of ports) expect(opened.map((socket) => socket.port)).toContain(port);
    for (const socket of opened) expect(['127.0.0.1', '::ffff:127.0.0.1']).toContain(socket.address);
    expect(isProcessAlive(jvmPid)).toBe(false);
    for (const port of ports) expect(await isPortOpen(port)).toBe(false);
  }, 90_000);

  it('refuses a fixed port that is taken, in one line naming the port and option, and starts nothing', async () => {
    // Prepare
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const takenPort = (blocker.address() as net.AddressInfo).port;

    // Act
    const start = startEmbeddedStack({ dynamodbPort: takenPort });

    // Assess
    const error = await start.catch((caught: unknown) => caught);
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    expect(error).toBeInstanceOf(PortInUseError);
    expect(error).toMatchObject({ code: 'PORT_IN_USE', port: takenPort, option: 'dynamodbPort' });
    expect((error as Error).message).toContain(`port ${takenPort} (dynamodbPort)`);
    expect((error as Error).message).not.toContain('\n');
  });

  it('fails with a JavaUnavailableError before starting anything when java is missing', async () => {
    // Prepare
    const s3SqsPort = await freePort();

    // Act
    const start = startEmbeddedStack({ s3SqsPort, javaCommand: '/nonexistent/bin/java' });

    // Assess
    await expect(start).rejects.toBeInstanceOf(JavaUnavailableError);
    expect(await isPortOpen(s3SqsPort)).toBe(false);
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
