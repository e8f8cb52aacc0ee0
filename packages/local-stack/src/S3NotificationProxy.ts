import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import { classifyObjectWrite } from './classifyObjectWrite.js';
import type { NotificationStore } from './NotificationStore.js';
import {
  matchesConfiguration,
  notificationConfigurationXml,
  parseNotificationConfiguration,
  parseQueueArn,
  type QueueConfiguration,
} from './notificationConfiguration.js';
import { LOOPBACK } from './ports.js';
import { Sequencer } from './Sequencer.js';
import { buildObjectCreatedNotification, buildTestEvent, ObjectCreatedEvent } from './s3Event.js';

/** The part of the fauxqs server the proxy needs: queue lookup and in-process delivery. */
export interface QueueBackend {
  inspectQueue(name: string): { arn: string } | undefined;
  sendMessage(queueName: string, body: string, options?: { region?: string }): unknown;
}

/** Options of {@link S3NotificationProxy.start}. */
export interface S3NotificationProxyOptions {
  /** Public port; 0 picks a free one. */
  port: number;
  /** Port of fauxqs on 127.0.0.1. */
  upstreamPort: number;
  queues: QueueBackend;
  notifications: NotificationStore;
  /** Region written into events. */
  region: string;
  /** Called when an event could not be delivered; S3 itself drops such events silently. */
  onDeliveryError?: (error: Error) => void;
}

// CopyObject and CompleteMultipartUpload answer with a short XML document; anything larger is
// not one of those answers and need not be inspected.
const MAX_CAPTURED_BODY_BYTES = 64 * 1024;
const MAX_CONFIGURATION_BYTES = 1024 * 1024;
// Headers that describe this hop only; the proxy has already answered `Expect: 100-continue`.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'expect', 'proxy-connection', 'upgrade']);

/**
 * The public S3/SQS endpoint of the embedded stack, in front of fauxqs. It streams every
 * request through unchanged (Host included, so SQS queue URLs carry the public port) and adds
 * what fauxqs lacks: bucket notification configurations, and ObjectCreated events delivered to
 * SQS after PutObject, CopyObject and CompleteMultipartUpload succeed.
 */
export class S3NotificationProxy {
  readonly #server: http.Server;
  readonly #options: S3NotificationProxyOptions;
  readonly #agent = new http.Agent({ keepAlive: true });
  readonly #sequencer = new Sequencer();
  readonly #deliveries = new Set<Promise<void>>();

  private constructor(options: S3NotificationProxyOptions) {
    this.#options = options;
    this.#server = http.createServer((request, response) => {
      this.#route(request, response).catch((error: unknown) => {
        if (!response.headersSent) sendError(response, 500, 'InternalError', String(error));
        else response.destroy();
      });
    });
  }

  /** Starts listening on 127.0.0.1. */
  static async start(options: S3NotificationProxyOptions): Promise<S3NotificationProxy> {
    const proxy = new S3NotificationProxy(options);
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once('error', reject);
      proxy.#server.listen(options.port, LOOPBACK, () => {
        proxy.#server.off('error', reject);
        resolve();
      });
    });
    return proxy;
  }

  get port(): number {
    return (this.#server.address() as net.AddressInfo).port;
  }

  /** Closes every connection and waits for events already being delivered. */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
    await Promise.allSettled([...this.#deliveries]);
    this.#agent.destroy();
  }

  async #route(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://proxy');
    const [, rawBucket = '', ...rawKey] = url.pathname.split('/');
    const bucket = decodeURIComponent(rawBucket);
    const key = decodeURIComponent(rawKey.join('/'));
    if (bucket !== '' && key === '' && url.searchParams.has('notification')) {
      if (request.method === 'PUT') return this.#putNotification(request, response, bucket);
      if (request.method === 'GET') return this.#getNotification(response, bucket);
    }
    const write = classifyObjectWrite({
      method: request.method ?? 'GET',
      key,
      query: url.searchParams,
      hasCopySource: request.headers['x-amz-copy-source'] !== undefined,
    });
    const configurations =
      write === undefined
        ? []
        : this.#options.notifications.get(bucket).filter((c) => matchesConfiguration(c, write, key));
    if (write === undefined || configurations.length === 0) {
      // A client that hangs up mid-answer is its own business; nothing else depends on it.
      await this.#pipe(request, response).catch(() => undefined);
      return;
    }
    const captured = write === ObjectCreatedEvent.PUT ? undefined : [];
    const answer = await this.#pipe(request, response, captured);
    if (answer.status !== 200) return;
    const body = Buffer.concat(captured ?? []).toString('utf8');
    if (body.includes('<Error>')) return;
    // Taken now, while responses are still in write order, not after the asynchronous lookups.
    const sequencer = this.#sequencer.next(bucket);
    const time = new Date();
    const delivery = this.#deliver({
      eventName: write,
      bucket,
      key,
      objectPath: `/${rawBucket}/${rawKey.join('/')}`,
      eTag:
        write === ObjectCreatedEvent.PUT ? answer.headers.etag : /<ETag>([\s\S]*?)<\/ETag>/.exec(body)?.[1],
      declaredSizeBytes:
        write === ObjectCreatedEvent.PUT
          ? Number(request.headers['x-amz-decoded-content-length'] ?? request.headers['content-length'])
          : undefined,
      requestId: headerValue(answer.headers['x-amz-request-id']) ?? newRequestId(),
      hostId: headerValue(answer.headers['x-amz-id-2']) ?? newRequestId(),
      sequencer,
      time,
      configurations,
    })
      .catch((error: unknown) => this.#options.onDeliveryError?.(asError(error)))
      .finally(() => this.#deliveries.delete(delivery));
    this.#deliveries.add(delivery);
  }

  /**
   * Streams the request to fauxqs and its answer back. Resolves once the answer has been sent
   * to the client, so events are delivered after the response and never delay it.
   */
  #pipe(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    captured?: Buffer[],
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
    return new Promise((resolve, reject) => {
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(([name]) => !HOP_BY_HOP.has(name)),
      );
      const upstream = http.request({
        host: LOOPBACK,
        port: this.#options.upstreamPort,
        method: request.method,
        path: request.url,
        headers,
        agent: this.#agent,
      });
      upstream.once('response', (answer) => {
        const status = answer.statusCode ?? 502;
        response.writeHead(status, answer.statusMessage, filterHeaders(answer.headers));
        if (captured !== undefined) {
          let capturedBytes = 0;
          answer.on('data', (chunk: Buffer) => {
            capturedBytes += chunk.length;
            if (capturedBytes <= MAX_CAPTURED_BODY_BYTES) captured.push(chunk);
          });
        }
        answer.pipe(response);
        response.once('finish', () => resolve({ status, headers: answer.headers }));
        response.once('close', () => {
          if (!response.writableFinished) {
            answer.destroy();
            reject(new Error('client went away before the response was sent'));
          }
        });
      });
      upstream.once('error', (error) => {
        if (!response.headersSent) sendError(response, 502, 'ServiceUnavailable', 'fauxqs is not answering');
        else response.destroy(error);
        reject(error);
      });
      request.once('error', () => upstream.destroy());
      request.pipe(upstream);
    });
  }

  async #putNotification(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    bucket: string,
  ): Promise<void> {
    const requestId = newRequestId();
    const xml = await readBody(request, MAX_CONFIGURATION_BYTES);
    if (xml === undefined) {
      sendError(response, 400, 'MaxMessageLengthExceeded', 'Your request was too big.', requestId);
      return;
    }
    if (!(await this.#bucketExists(bucket))) {
      sendError(response, 404, 'NoSuchBucket', 'The specified bucket does not exist', requestId, {
        BucketName: bucket,
      });
      return;
    }
    const parsed = parseNotificationConfiguration(xml);
    if ('problem' in parsed) {
      sendError(response, 400, parsed.problem.code, parsed.problem.message, requestId);
      return;
    }
    const missing = parsed.configurations.map((c) => c.queueArn).filter((arn) => !this.#queueExists(arn));
    if (missing.length > 0) {
      const details: Record<string, string> = {};
      for (const [index, arn] of [...new Set(missing)].entries()) {
        details[`ArgumentName${index + 1}`] = arn;
        details[`ArgumentValue${index + 1}`] = 'The destination queue does not exist';
      }
      sendError(
        response,
        400,
        'InvalidArgument',
        'Unable to validate the following destination configurations',
        requestId,
        details,
      );
      return;
    }
    await this.#options.notifications.set(bucket, parsed.configurations);
    // S3 proves each destination works by sending it a test event before it answers.
    const time = new Date();
    for (const arn of new Set(parsed.configurations.map((c) => c.queueArn))) {
      const queue = parseQueueArn(arn);
      if (queue === undefined) continue;
      const testEvent = buildTestEvent(bucket, requestId, requestId, time);
      this.#options.queues.sendMessage(queue.queueName, JSON.stringify(testEvent), { region: queue.region });
    }
    response.writeHead(200, {
      'x-amz-request-id': requestId,
      'x-amz-id-2': requestId,
      'content-length': '0',
    });
    response.end();
  }

  async #getNotification(response: http.ServerResponse, bucket: string): Promise<void> {
    if (!(await this.#bucketExists(bucket))) {
      sendError(response, 404, 'NoSuchBucket', 'The specified bucket does not exist', newRequestId(), {
        BucketName: bucket,
      });
      return;
    }
    const body = notificationConfigurationXml(this.#options.notifications.get(bucket));
    response.writeHead(200, {
      'content-type': 'application/xml',
      'content-length': Buffer.byteLength(body),
      'x-amz-request-id': newRequestId(),
    });
    response.end(body);
  }

  #queueExists(arn: string): boolean {
    const queue = parseQueueArn(arn);
    return queue !== undefined && this.#options.queues.inspectQueue(queue.queueName)?.arn === arn;
  }

  #bucketExists(bucket: string): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const head = http.request(
        {
          host: LOOPBACK,
          port: this.#options.upstreamPort,
          method: 'HEAD',
          path: `/${encodeURIComponent(bucket)}`,
          agent: this.#agent,
        },
        (answer) => {
          answer.resume();
          resolve(answer.statusCode === 200);
        },
      );
      head.once('error', reject);
      head.end();
    });
  }

  async #deliver(write: PendingEvent): Promise<void> {
    const eTag = unquoteETag(write.eTag);
    if (eTag === undefined)
      throw new Error(`no ETag in the answer to ${write.eventName} of ${write.objectPath}`);
    const sizeBytes = (await this.#sizeOfVersion(write.objectPath, eTag)) ?? write.declaredSizeBytes;
    if (sizeBytes === undefined || Number.isNaN(sizeBytes)) {
      throw new Error(`${write.objectPath} was overwritten before its ${write.eventName} event was built`);
    }
    for (const configuration of write.configurations) {
      const queue = parseQueueArn(configuration.queueArn);
      if (queue === undefined) continue;
      const notification = buildObjectCreatedNotification(
        {
          eventName: write.eventName,
          region: this.#options.region,
          bucket: write.bucket,
          key: write.key,
          sizeBytes,
          eTag,
          sequencer: write.sequencer,
          requestId: write.requestId,
          hostId: write.hostId,
          time: write.time,
        },
        configuration.id,
      );
      this.#options.queues.sendMessage(queue.queueName, JSON.stringify(notification), {
        region: queue.region,
      });
    }
  }

  /**
   * Size of the object version with this ETag. A one-byte ranged GET with `If-Match` (fauxqs
   * ignores `If-Match` on HEAD) reports the full size in `Content-Range` without reading the
   * body; undefined when the object has been overwritten since.
   */
  #sizeOfVersion(objectPath: string, eTag: string): Promise<number | undefined> {
    return new Promise((resolve, reject) => {
      const get = http.request(
        {
          host: LOOPBACK,
          port: this.#options.upstreamPort,
          method: 'GET',
          path: objectPath,
          headers: { 'if-match': `"${eTag}"`, range: 'bytes=0-0' },
          agent: this.#agent,
        },
        (answer) => {
          answer.resume();
          const total = /\/(\d+)$/.exec(headerValue(answer.headers['content-range']) ?? '')?.[1];
          // 416 is the answer for an empty object, whose byte 0 does not exist.
          const matched = answer.statusCode === 206 || answer.statusCode === 416;
          resolve(matched && total !== undefined ? Number(total) : undefined);
        },
      );
      get.once('error', reject);
      get.end();
    });
  }
}

interface PendingEvent {
  eventName: ObjectCreatedEvent;
  bucket: string;
  key: string;
  /** Path-style request path of the object, encoded as the client sent it. */
  objectPath: string;
  eTag: string | undefined;
  declaredSizeBytes: number | undefined;
  requestId: string;
  hostId: string;
  sequencer: string;
  time: Date;
  configurations: QueueConfiguration[];
}

function filterHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function unquoteETag(eTag: string | undefined): string | undefined {
  return eTag?.replaceAll('&quot;', '').replaceAll('&#34;', '').replaceAll('"', '').trim() || undefined;
}

/** S3 request ids are 16 upper-case hex digits. */
function newRequestId(): string {
  return randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase();
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** The request body as text, or undefined when it exceeds `limitBytes`. */
async function readBody(request: http.IncomingMessage, limitBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request) {
    length += (chunk as Buffer).length;
    if (length > limitBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendError(
  response: http.ServerResponse,
  status: number,
  code: string,
  message: string,
  requestId = newRequestId(),
  details: Record<string, string> = {},
): void {
  const extra = Object.entries(details)
    .map(([name, value]) => `<${name}>${escapeXmlText(value)}</${name}>`)
    .join('');
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXmlText(message)}</Message>${extra}<RequestId>${requestId}</RequestId><HostId>${requestId}</HostId></Error>`;
  response.writeHead(status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body),
    'x-amz-request-id': requestId,
  });
  response.end(body);
}

function escapeXmlText(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
