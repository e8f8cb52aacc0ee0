import { randomUUID } from 'node:crypto';

/** One key filter rule of a queue configuration, with S3's capitalised names. */
export interface KeyFilterRule {
  name: 'Prefix' | 'Suffix';
  value: string;
}

/** An S3 bucket `QueueConfiguration`: which events go to which SQS queue. */
export interface QueueConfiguration {
  id: string;
  queueArn: string;
  /** Event patterns such as `s3:ObjectCreated:*` or `s3:ObjectCreated:Put`. */
  events: string[];
  filterRules: KeyFilterRule[];
}

/** Why a `PutBucketNotificationConfiguration` body was refused, as S3 would say it. */
export interface NotificationConfigurationProblem {
  code: 'InvalidArgument' | 'MalformedXML';
  message: string;
}

/** Event names S3 accepts in a notification configuration. */
export const SUPPORTED_EVENTS: ReadonlySet<string> = new Set([
  's3:ObjectCreated:*',
  's3:ObjectCreated:Put',
  's3:ObjectCreated:Post',
  's3:ObjectCreated:Copy',
  's3:ObjectCreated:CompleteMultipartUpload',
  's3:ObjectRemoved:*',
  's3:ObjectRemoved:Delete',
  's3:ObjectRemoved:DeleteMarkerCreated',
]);

const UNSUPPORTED_TARGETS = [
  'TopicConfiguration',
  'CloudFunctionConfiguration',
  'LambdaFunctionConfiguration',
  'EventBridgeConfiguration',
];

/**
 * Parses the XML body of `PutBucketNotificationConfiguration`. Only queue destinations exist in
 * the embedded stack, so topic, Lambda and EventBridge targets are refused rather than ignored.
 */
export function parseNotificationConfiguration(
  xml: string,
): { configurations: QueueConfiguration[] } | { problem: NotificationConfigurationProblem } {
  if (!/<NotificationConfiguration[\s>/]/.test(xml)) {
    return { problem: { code: 'MalformedXML', message: 'The XML you provided was not well-formed' } };
  }
  for (const target of UNSUPPORTED_TARGETS) {
    if (xml.includes(`<${target}>`)) {
      return {
        problem: {
          code: 'InvalidArgument',
          message: `${target} is not supported by the embedded stack; use QueueConfiguration`,
        },
      };
    }
  }
  const configurations: QueueConfiguration[] = [];
  for (const block of elements(xml, 'QueueConfiguration')) {
    const queueArn = elements(block, 'Queue')[0];
    const events = elements(block, 'Event');
    if (queueArn === undefined || events.length === 0) {
      return { problem: { code: 'MalformedXML', message: 'The XML you provided was not well-formed' } };
    }
    const unknown = events.find((event) => !SUPPORTED_EVENTS.has(event));
    if (unknown !== undefined) {
      return {
        problem: {
          code: 'InvalidArgument',
          message: `The event is not supported for notifications: ${unknown}`,
        },
      };
    }
    const filterRules: KeyFilterRule[] = [];
    for (const rule of elements(block, 'FilterRule')) {
      const name = elements(rule, 'Name')[0]?.toLowerCase();
      const value = elements(rule, 'Value')[0] ?? '';
      if (name !== 'prefix' && name !== 'suffix') {
        return {
          problem: { code: 'InvalidArgument', message: 'filter rule name must be either prefix or suffix' },
        };
      }
      filterRules.push({ name: name === 'prefix' ? 'Prefix' : 'Suffix', value });
    }
    // S3 invents an id when the caller gives none, and events carry it as `configurationId`.
    const id = elements(block, 'Id')[0] ?? randomUUID();
    configurations.push({ id, queueArn, events, filterRules });
  }
  return { configurations };
}

/** Serialises configurations as the body of `GetBucketNotificationConfiguration`. */
export function notificationConfigurationXml(configurations: readonly QueueConfiguration[]): string {
  const queues = configurations
    .map((configuration) => {
      const events = configuration.events.map((event) => `<Event>${escapeXml(event)}</Event>`).join('');
      const rules = configuration.filterRules
        .map(
          (rule) =>
            `<FilterRule><Name>${rule.name}</Name><Value>${escapeXml(rule.value)}</Value></FilterRule>`,
        )
        .join('');
      const filter = rules === '' ? '' : `<Filter><S3Key>${rules}</S3Key></Filter>`;
      return `<QueueConfiguration><Id>${escapeXml(configuration.id)}</Id><Queue>${escapeXml(configuration.queueArn)}</Queue>${events}${filter}</QueueConfiguration>`;
    })
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${queues}</NotificationConfiguration>`;
}

/**
 * Whether an event (e.g. `ObjectCreated:Put`) on `key` (decoded) goes to a configuration:
 * one of its patterns names the event or its `*` family, and the key passes every filter rule.
 */
export function matchesConfiguration(
  configuration: QueueConfiguration,
  eventName: string,
  key: string,
): boolean {
  const family = `s3:${eventName.split(':')[0]}:*`;
  const eventMatches = configuration.events.some(
    (pattern) => pattern === `s3:${eventName}` || pattern === family,
  );
  return (
    eventMatches &&
    configuration.filterRules.every((rule) =>
      rule.name === 'Prefix' ? key.startsWith(rule.value) : key.endsWith(rule.value),
    )
  );
}

/** Splits `arn:aws:sqs:<region>:<account>:<name>`; undefined for anything else. */
export function parseQueueArn(
  arn: string,
): { region: string; accountId: string; queueName: string } | undefined {
  const match = /^arn:aws:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,80}(?:\.fifo)?)$/.exec(arn);
  if (match === null) return undefined;
  const [, region = '', accountId = '', queueName = ''] = match;
  return { region, accountId, queueName };
}

/** Text of every `<tag>…</tag>` directly or indirectly inside `xml`, entities decoded. */
function elements(xml: string, tag: string): string[] {
  const pattern = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'g');
  return [...xml.matchAll(pattern)].map((match) => unescapeXml((match[1] ?? '').trim()));
}

function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-fA-F]+);/g, (entity, name: string) => {
    if (name === 'lt') return '<';
    if (name === 'gt') return '>';
    if (name === 'quot') return '"';
    if (name === 'apos') return "'";
    if (name === 'amp') return '&';
    const codePoint = name.startsWith('#x')
      ? Number.parseInt(name.slice(2), 16)
      : Number.parseInt(name.slice(1), 10);
    return Number.isFinite(codePoint) ? String.fromCodePoint(codePoint) : entity;
  });
}
