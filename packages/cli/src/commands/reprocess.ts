import { randomUUID } from 'node:crypto';
import { CopyObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import {
  type AwsClients,
  callAws,
  headETag,
  LineageRepository,
  listLineage,
  type ResourceNames,
} from '@storeflow/aws';
import { type FileStatus, type LineageRecord, reprocessRequestCodec } from '@storeflow/core';
import { queueUrl, withAwsTarget } from '../awsTarget.js';
import { ExitCode, UsageError } from '../cliErrors.js';
import { parseCommandLine, printJson, rejectPositionals } from '../commandLine.js';
import { parseFileStatus } from '../lineageListing.js';
import { mapConcurrently } from '../mapConcurrently.js';
import {
  archiveCandidates,
  planReprocess,
  REOPENABLE_STATUSES,
  type ReprocessAction,
  type ReprocessFacts,
} from '../reprocessPlan.js';

export const REPROCESS_USAGE = `Usage: storeflow reprocess (--key <key>... | --key-prefix <prefix> | --status <status>) [options]

Validates files again through the ingest queue, e.g. after a fix to the rules, after late
products or orders arrived for a rejected order_items file, or to recount files after an order
moved to another day. For each selected key, its newest version:

  send     the raw object is in raw/: a reprocess request (storeflow.reprocess) goes to the
           ingest queue, and the validator reopens and validates it
  restore  the raw object was archived to failed/ or processed/: it is copied back to its raw/
           key (its lineage reopened first), and that copy's S3 event validates it; the archive
           copy stays where it is
  skip     a worker holds it right now, a newer version of the key has moved on (for --status:
           a fixed file was uploaded again), or nothing is left to validate

Options:
  --key <key>            a file key (raw/…); repeat for several
  --key-prefix <prefix>  every file whose key starts with <prefix> (raw/…): those in the lineage
                         table (read in full) and those in raw/ the pipeline never recorded
  --status <status>      every file whose newest version has this status, e.g. FAILED
  --dry-run              print what would be done, change nothing
  --prefix <prefix>      resource name prefix (default: $STOREFLOW_PREFIX, else storeflow)
  --bucket <name>        the bucket, when it is not <prefix>-data
  --json                 print the outcome as JSON
  -h, --help             show this help`;

/** Lookups run this many keys at a time: faster than one by one, gentle on the tables. */
const LOOKUP_CONCURRENCY = 8;
/** SendMessageBatch's maximum. */
const SEND_BATCH_SIZE = 10;

interface Selection {
  keys: string[];
  /** For `--status`: the version of each key that matched. */
  selected: Map<string, LineageRecord>;
}

interface Outcome {
  key: string;
  status: FileStatus | null;
  version: string | null;
  action: ReprocessAction['kind'];
  archiveKey?: string;
  reopen?: boolean;
  requestId?: string;
  reason?: string;
}

/** `storeflow reprocess`: returns the exit code; throws a one-line error on failure. */
export async function reprocessCommand(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    help: { type: 'boolean', short: 'h' },
    key: { type: 'string', multiple: true },
    'key-prefix': { type: 'string' },
    status: { type: 'string' },
    'dry-run': { type: 'boolean' },
    prefix: { type: 'string' },
    bucket: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    console.log(REPROCESS_USAGE);
    return ExitCode.OK;
  }
  rejectPositionals(positionals);
  const given = [values.key, values['key-prefix'], values.status].filter((value) => value !== undefined);
  if (given.length !== 1) {
    throw new UsageError('choose the files with exactly one of --key, --key-prefix or --status; see --help');
  }
  for (const key of [
    ...(values.key ?? []),
    ...(values['key-prefix'] === undefined ? [] : [values['key-prefix']]),
  ]) {
    if (!key.startsWith('raw/')) throw new UsageError(`file keys start with raw/, got '${key}'`);
  }
  const status = values.status === undefined ? undefined : parseFileStatus(values.status, '--status');
  const dryRun = values['dry-run'] === true;

  const outcomes = await withAwsTarget(env, values, async ({ clients, names }) => {
    const lineage = new LineageRepository({ clients, tableName: names.processedFilesTable });
    const selection =
      status !== undefined
        ? await selectByStatus(lineage, status)
        : values['key-prefix'] !== undefined
          ? await selectByPrefix(clients, names, lineage, values['key-prefix'])
          : { keys: [...new Set(values.key)], selected: new Map<string, LineageRecord>() };
    const facts = await mapConcurrently(selection.keys, LOOKUP_CONCURRENCY, (key) =>
      gatherFacts(clients, names.bucket, lineage, key, selection.selected.get(key)),
    );
    if (values.key !== undefined) {
      const unknown = facts.filter((fact) => fact.latest === undefined && fact.rawETag === undefined);
      if (unknown.length > 0) {
        throw new Error(
          `nothing is known about ${unknown.map((fact) => fact.sourceKey).join(', ')}: no lineage record and no object at that key; check the key with 'storeflow status'`,
        );
      }
    }
    const planned = facts.map((fact) => ({ fact, action: planReprocess(fact) }));
    if (dryRun) return planned.map(({ fact, action }) => outcomeOf(fact, action));
    return carryOut(clients, names, lineage, planned);
  });

  if (values.json) {
    printJson({ dryRun, files: outcomes });
    return ExitCode.OK;
  }
  if (outcomes.length === 0) {
    console.log('nothing to reprocess');
    return ExitCode.OK;
  }
  for (const outcome of outcomes) console.log(outcomeLine(outcome, dryRun));
  const count = (kind: ReprocessAction['kind']) =>
    outcomes.filter((outcome) => outcome.action === kind).length;
  process.stderr.write(
    `${dryRun ? 'dry run, nothing changed: would send' : 'sent'} ${count('send')}, ${dryRun ? 'would restore' : 'restored'} ${count('restore')}, skipped ${count('skip')}\n`,
  );
  return ExitCode.OK;
}

async function selectByStatus(lineage: LineageRepository, status: FileStatus): Promise<Selection> {
  const selected = new Map<string, LineageRecord>();
  // Newest first, so a key with several versions in the status is represented by its newest.
  for (const record of await listLineage(lineage, { statuses: [status] })) {
    if (!selected.has(record.sourceKey)) selected.set(record.sourceKey, record);
  }
  return { keys: [...selected.keys()].sort(), selected };
}

async function selectByPrefix(
  clients: AwsClients,
  names: ResourceNames,
  lineage: LineageRepository,
  keyPrefix: string,
): Promise<Selection> {
  const keys = new Set(
    (await listLineage(lineage)).map((record) => record.sourceKey).filter((key) => key.startsWith(keyPrefix)),
  );
  for (const key of await listObjectKeys(clients, names.bucket, keyPrefix)) keys.add(key);
  return { keys: [...keys].sort(), selected: new Map() };
}

async function gatherFacts(
  clients: AwsClients,
  bucket: string,
  lineage: LineageRepository,
  sourceKey: string,
  selected: LineageRecord | undefined,
): Promise<ReprocessFacts> {
  const latest = await lineage.latestVersion(sourceKey);
  const rawETag = await headETag(clients, bucket, sourceKey);
  let archive: ReprocessFacts['archive'];
  if (rawETag === undefined && latest !== undefined) {
    for (const candidate of archiveCandidates(latest)) {
      const eTag = await headETag(clients, bucket, candidate);
      if (eTag !== undefined) {
        archive = { key: candidate, eTag };
        break;
      }
    }
  }
  return {
    sourceKey,
    nowMs: Date.now(),
    ...(selected === undefined ? {} : { selected }),
    ...(latest === undefined ? {} : { latest }),
    ...(rawETag === undefined ? {} : { rawETag }),
    ...(archive === undefined ? {} : { archive }),
  };
}

async function carryOut(
  clients: AwsClients,
  names: ResourceNames,
  lineage: LineageRepository,
  planned: readonly { fact: ReprocessFacts; action: ReprocessAction }[],
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const toSend: Outcome[] = [];
  for (const { fact, action } of planned) {
    if (action.kind === 'restore') {
      const latest = fact.latest as LineageRecord;
      // Reopened before the copy exists, so the copy's event finds a claimable version.
      if (action.reopen && (await lineage.reopen(latest, REOPENABLE_STATUSES)) === undefined) {
        const reason = 'its lineage changed while this command ran; run it again';
        outcomes.push(outcomeOf(fact, { kind: 'skip', reason }));
        continue;
      }
      await callAws(clients, 'S3', 'CopyObject', () =>
        clients.s3.send(
          new CopyObjectCommand({
            Bucket: names.bucket,
            Key: fact.sourceKey,
            CopySource: `${names.bucket}/${encodeURIComponent(action.archiveKey).replace(/%2F/g, '/')}`,
            CopySourceIfMatch: `"${action.archiveETag}"`,
          }),
        ),
      );
    }
    const outcome = outcomeOf(fact, action);
    if (action.kind === 'send') {
      outcome.requestId = randomUUID();
      toSend.push(outcome);
    }
    outcomes.push(outcome);
  }
  if (toSend.length > 0) await sendRequests(clients, names, toSend);
  return outcomes;
}

async function sendRequests(
  clients: AwsClients,
  names: ResourceNames,
  outcomes: readonly Outcome[],
): Promise<void> {
  const url = await queueUrl(clients, names.ingestQueue);
  for (let start = 0; start < outcomes.length; start += SEND_BATCH_SIZE) {
    const batch = outcomes.slice(start, start + SEND_BATCH_SIZE);
    const response = await callAws(clients, 'SQS', 'SendMessageBatch', () =>
      clients.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: batch.map((outcome, index) => ({
            Id: String(index),
            MessageBody: reprocessRequestCodec.encode({
              bucket: names.bucket,
              key: outcome.key,
              requestId: outcome.requestId as string,
            }),
          })),
        }),
      ),
    );
    const failed = response.Failed ?? [];
    if (failed.length > 0) {
      const first = failed[0];
      const sentBefore = start + batch.length - failed.length;
      throw new Error(
        `the ingest queue refused ${failed.length} reprocess requests (${first?.Code}: ${first?.Message}) after ${sentBefore} were sent; run the command again, files already sent are validated twice at worst`,
      );
    }
  }
}

function outcomeOf(fact: ReprocessFacts, action: ReprocessAction): Outcome {
  const record = fact.latest ?? fact.selected;
  return {
    key: fact.sourceKey,
    status: record?.status ?? null,
    version: record?.objectVersion ?? null,
    action: action.kind,
    ...(action.kind === 'restore' ? { archiveKey: action.archiveKey, reopen: action.reopen } : {}),
    ...(action.kind === 'skip' ? { reason: action.reason } : {}),
  };
}

function outcomeLine(outcome: Outcome, dryRun: boolean): string {
  const verb = dryRun && outcome.action !== 'skip' ? `would ${outcome.action}` : outcome.action;
  const status = outcome.status === null ? 'not recorded' : outcome.status;
  const detail =
    outcome.action === 'restore'
      ? ` from ${outcome.archiveKey}`
      : outcome.action === 'skip'
        ? `: ${outcome.reason}`
        : '';
  return `${verb.padEnd(13)} ${outcome.key} (${status})${detail}`;
}

async function listObjectKeys(clients: AwsClients, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const continuation = token;
    const page = await callAws(clients, 'S3', 'ListObjectsV2', () =>
      clients.s3.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          ...(continuation === undefined ? {} : { ContinuationToken: continuation }),
        }),
      ),
    );
    // A key ending in / is a folder marker, not a file.
    for (const entry of page.Contents ?? [])
      if (entry.Key !== undefined && !entry.Key.endsWith('/')) keys.push(entry.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys;
}
