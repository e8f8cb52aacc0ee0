import { randomUUID } from 'node:crypto';
import { ContractLocationError, readContractLocations, readContractObjects } from '../src/index.js';
import { bucketPerTestFile } from './helpers/stackBucket.js';

// As the runtime names contract files (CONTRACT_FILE_PATTERN); the aws package does not import it.
const NAMES = { pattern: /\.odcs\.(?:ya?ml|json)$/i, description: '*.odcs.yaml, *.odcs.yml or *.odcs.json' };

const s3 = bucketPerTestFile('c');

/** A fresh prefix, so each test sees only its own objects. */
function freshPrefix(): string {
  return `contracts-${randomUUID().slice(0, 8)}/`;
}

async function failureOf(read: Promise<unknown>): Promise<unknown> {
  try {
    await read;
  } catch (error) {
    return error;
  }
  throw new Error('the read succeeded');
}

describe('readContractObjects on the embedded stack', () => {
  it('reads every contract directly under the prefix, in key order, page by page', async () => {
    // Prepare: five contracts (one per spelling) beside a README, and one a "folder" deeper
    const { clients, bucket, put } = s3();
    const prefix = freshPrefix();
    const contracts = ['orders.odcs.yaml', 'b.odcs.yml', 'a.odcs.json', 'products.ODCS.YAML', 'z.odcs.yaml'];
    for (const name of contracts) await put(`${prefix}${name}`, `# ${name}\nkind: DataContract\n`);
    await put(`${prefix}README.md`, 'not a contract');
    await put(`${prefix}archive/old.odcs.yaml`, 'an old set, not read');

    const lists = () =>
      clients.requests.tallies().find((tally) => tally.operation === 'ListObjectsV2')?.requests ?? 0;
    const listsBefore = lists();

    // Act: two keys a page, so the listing takes several pages
    const sources = await readContractObjects(clients, `s3://${bucket}/${prefix}`, { ...NAMES, pageSize: 2 });

    // Assess
    const expected = [...contracts].sort();
    expect(sources).toEqual(
      expected.map((name) => ({
        source: `s3://${bucket}/${prefix}${name}`,
        text: `# ${name}\nkind: DataContract\n`,
      })),
    );
    // Six objects of the prefix's own at two a page (the archive/ folder is one common prefix)
    expect(lists() - listsBefore).toBeGreaterThanOrEqual(3);
  });

  it('reads a prefix written without its trailing slash, and one object named in full', async () => {
    // Prepare
    const { clients, bucket, put } = s3();
    const prefix = freshPrefix();
    await put(`${prefix}orders.odcs.yaml`, 'orders: é');
    await put(`${prefix}products.odcs.yaml`, 'products');

    // Act
    const withoutSlash = await readContractObjects(clients, `s3://${bucket}/${prefix.slice(0, -1)}`, NAMES);
    const one = await readContractObjects(clients, `s3://${bucket}/${prefix}orders.odcs.yaml`, NAMES);

    // Assess
    expect(withoutSlash.map((source) => source.source)).toEqual([
      `s3://${bucket}/${prefix}orders.odcs.yaml`,
      `s3://${bucket}/${prefix}products.odcs.yaml`,
    ]);
    expect(one).toEqual([{ source: `s3://${bucket}/${prefix}orders.odcs.yaml`, text: 'orders: é' }]);
  });

  it('refuses, not retryable and naming the location, a missing bucket, a prefix without contracts and a missing object', async () => {
    // Prepare: a prefix holding only a file that is not a contract
    const { clients, bucket, put } = s3();
    const prefix = freshPrefix();
    await put(`${prefix}notes.txt`, 'no contracts here');
    const missingBucket = `s3://${bucket}-nope/contracts/`;
    const emptyPrefix = `s3://${bucket}/${prefix}`;
    const unknownPrefix = `s3://${bucket}/${freshPrefix()}`;
    const missingObject = `s3://${bucket}/${prefix}orders.odcs.yaml`;

    // Act
    const failures = await Promise.all(
      [missingBucket, emptyPrefix, unknownPrefix, missingObject].map((location) =>
        failureOf(readContractObjects(clients, location, NAMES)),
      ),
    );

    // Assess
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(ContractLocationError);
      expect((failure as ContractLocationError).retryable).toBe(false);
    }
    expect(failures.map((failure) => (failure as Error).message)).toEqual([
      `no data contracts at ${missingBucket}: bucket ${bucket}-nope does not exist`,
      `no data contracts at ${emptyPrefix}: no object directly under the prefix is named *.odcs.yaml, *.odcs.yml or *.odcs.json`,
      `no data contracts at ${unknownPrefix}: no object directly under the prefix is named *.odcs.yaml, *.odcs.yml or *.odcs.json`,
      `no data contracts at ${missingObject}: the object does not exist`,
    ]);
    expect((failures[0] as ContractLocationError).location).toBe(missingBucket);
  });
});

describe('readContractLocations on the embedded stack', () => {
  it('keeps the order given between S3 locations and files, reading a location listed twice once', async () => {
    // Prepare
    const { clients, bucket, put } = s3();
    const prefix = freshPrefix();
    await put(`${prefix}orders.odcs.yaml`, 'orders');
    const location = `s3://${bucket}/${prefix}`;
    const lists = () =>
      clients.requests.tallies().find((tally) => tally.operation === 'ListObjectsV2')?.requests ?? 0;
    const listsBefore = lists();

    // Act
    const sources = await readContractLocations(['first.odcs.yaml', location, 'last/', location], {
      ...NAMES,
      withClients: (read) => read(clients),
      readFiles: (file) => [{ source: file, text: 'a file' }],
    });

    // Assess
    expect(sources.map((source) => source.source)).toEqual([
      'first.odcs.yaml',
      `${location}orders.odcs.yaml`,
      'last/',
      `${location}orders.odcs.yaml`,
    ]);
    expect(lists() - listsBefore).toBe(1);
  });
});
