import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { HealthVerdict } from './workerHealth.js';

export interface OperationsServerOptions {
  registry: Registry;
  /** 0 picks a free port (tests); the services default to 9464. */
  port: number;
  /** 0.0.0.0 inside a container so Prometheus and ECS health checks reach it. */
  host: string;
  /** True while the process should receive work; false before start and once stopping. */
  isReady: () => boolean;
  /** Whether the process still does its work (see `judgeWorkerHealth`); asked at each `/healthz`. */
  health: () => HealthVerdict;
}

/**
 * The HTTP side every service exposes: `/metrics` (Prometheus text format), `/healthz` (the
 * process does its work: 503 with the reason when its poll loop stalled or cannot reach its
 * queue) and `/readyz` (it takes work; 503 while starting or draining).
 */
export class OperationsServer {
  readonly #server: Server;
  readonly #options: OperationsServerOptions;

  private constructor(server: Server, options: OperationsServerOptions) {
    this.#server = server;
    this.#options = options;
  }

  static async start(options: OperationsServerOptions): Promise<OperationsServer> {
    const server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      if (path === '/healthz') {
        const verdict = options.health();
        response
          .writeHead(verdict.healthy ? 200 : 503, { 'content-type': 'text/plain' })
          .end(verdict.healthy ? 'ok\n' : `${verdict.reason}\n`);
      } else if (path === '/readyz') {
        const ready = options.isReady();
        response
          .writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' })
          .end(ready ? 'ready\n' : 'not ready\n');
      } else if (path === '/metrics') {
        options.registry.metrics().then(
          (body) => response.writeHead(200, { 'content-type': options.registry.contentType }).end(body),
          (error: unknown) =>
            response.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(error)}\n`),
        );
      } else {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new OperationsServer(server, options);
  }

  /** The bound port (useful when started on port 0). */
  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** Base URL, e.g. `http://127.0.0.1:9464`. */
  get url(): string {
    const host = this.#options.host === '0.0.0.0' ? '127.0.0.1' : this.#options.host;
    return `http://${host}:${this.port}`;
  }

  async close(): Promise<void> {
    this.#server.closeIdleConnections();
    await new Promise<void>((resolve, reject) =>
      this.#server.close((error) => (error ? reject(error) : resolve())),
    );
  }
}
