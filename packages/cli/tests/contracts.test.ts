import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_CONTRACTS_DIR } from '@storeflow/runtime';
import { type ContractEdit, SHIPPED_FILES, writeEdited } from './contractFixtures.js';
import { assertCliBuilt, runCli } from './helpers.js';

// The built command on real files: the shipped contracts/ and edited copies in a temp directory.
let workDir: string;
const shipped = (file: string) => path.join(DEFAULT_CONTRACTS_DIR, file);

beforeAll(async () => {
  await assertCliBuilt();
  workDir = await mkdtemp(path.join(tmpdir(), 'storeflow-contracts-'));
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** The shipped contracts with `edits`, written to a new directory under the work directory. */
function edited(name: string, edits: readonly ContractEdit[]): Promise<string> {
  return writeEdited(path.join(workDir, name), edits);
}

/** Two problems: a rule expression cut short, and a threshold that is not a share. */
const BROKEN: readonly ContractEdit[] = [
  { file: 'products.odcs.yaml', from: 'implementation: cost <= retail_price', to: 'implementation: cost <=' },
  { file: 'orders.odcs.yaml', from: 'value: 0.05', to: 'value: 5' },
];

describe('storeflow contracts validate', () => {
  it('prints one line per dataset of the contracts in use and exits 0', async () => {
    // Act
    const result = await runCli(['contracts', 'validate'], workDir);

    // Assess
    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'order_items  storeflow-order-items@1.0.0  11 columns  5 rules',
        'orders       storeflow-orders@1.0.0        9 columns  5 rules',
        'products     storeflow-products@1.0.0      9 columns  1 rule',
        '',
      ].join('\n'),
    });
  });

  it('reads the paths given, and VALIDATOR_CONTRACTS when none are (comma-separated files)', async () => {
    // Prepare
    const files = SHIPPED_FILES.map(shipped);

    // Act
    const given = await runCli(['contracts', 'validate', ...files, '--json'], workDir);
    const fromEnv = await runCli(['contracts', 'validate', '--json'], workDir, {
      VALIDATOR_CONTRACTS: files.join(','),
    });

    // Assess
    expect(given.code).toBe(0);
    expect(JSON.parse(given.stdout)).toEqual({
      ok: true,
      sources: files,
      datasets: [
        {
          dataset: 'order_items',
          contractId: 'storeflow-order-items',
          contractVersion: '1.0.0',
          columns: 11,
          rules: 5,
        },
        { dataset: 'orders', contractId: 'storeflow-orders', contractVersion: '1.0.0', columns: 9, rules: 5 },
        {
          dataset: 'products',
          contractId: 'storeflow-products',
          contractVersion: '1.0.0',
          columns: 9,
          rules: 1,
        },
      ],
    });
    expect(fromEnv).toEqual(given);
  });

  it('lists every problem, one per line, and exits 1', async () => {
    // Prepare
    const dir = await edited('broken', BROKEN);

    // Act
    const text = await runCli(['contracts', 'validate'], workDir, { VALIDATOR_CONTRACTS: dir });
    const json = await runCli(['contracts', 'validate', dir, '--json'], workDir);

    // Assess
    expect(text.code).toBe(1);
    expect(text.stdout.trimEnd().split('\n')).toEqual([
      `TYPE_OPTIONS_INVALID ${path.join(dir, 'orders.odcs.yaml')} schema[0].customProperties: maxRejectedRowRatio must be a number from 0 to 1`,
      expect.stringMatching(
        new RegExp(
          `^RULE_EXPRESSION_INVALID ${path.join(dir, 'products.odcs.yaml').replaceAll('.', '\\.')} schema\\[0\\]\\.quality\\[0\\]\\.implementation: 'cost <=': `,
        ),
      ),
    ]);
    expect(text.stderr).toBe('storeflow: the contracts have 2 problems\n');
    expect(json.code).toBe(1);
    const document = JSON.parse(json.stdout) as { ok: boolean; problems: { code: string }[] };
    expect(document.ok).toBe(false);
    expect(document.problems.map((problem) => problem.code)).toEqual([
      'TYPE_OPTIONS_INVALID',
      'RULE_EXPRESSION_INVALID',
    ]);
  });

  it('says in one line which path cannot be read, or holds no contract, and exits 1', async () => {
    // Prepare
    const missing = path.join(workDir, 'missing');
    const empty = path.join(workDir, 'empty');
    await mkdir(empty);

    // Act
    const unreadable = await runCli(['contracts', 'validate', missing], workDir);
    const nothing = await runCli(['contracts', 'validate'], workDir, { VALIDATOR_CONTRACTS: empty });

    // Assess
    expect(unreadable).toEqual({
      code: 1,
      stdout: '',
      stderr: `storeflow: cannot read contracts at ${missing}: no such file or directory\n`,
    });
    expect(nothing).toEqual({
      code: 1,
      stdout: '',
      stderr: `storeflow: no contract files (*.odcs.yaml, *.odcs.yml, *.odcs.json) in ${empty}\n`,
    });
  });
});

describe('storeflow contracts show', () => {
  it('prints what a dataset checks: folders, threshold, key, columns, rules and references', async () => {
    // Act
    const result = await runCli(['contracts', 'show', 'order_items'], workDir);

    // Assess
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, 6)).toEqual([
      `contracts: ${SHIPPED_FILES.map(shipped).join(', ')}`,
      '',
      'order_items: contract storeflow-order-items@1.0.0',
      '  folders    raw/order_items/, raw/order-items/',
      '  rejects    a file when more than 5% of its rows are rejected (maxRejectedRowRatio 0.05)',
      '  key        id (unique within a file)',
    ]);
    expect(lines).toContain(
      '    status             enum       required  STATUS_INVALID           one of pending, processing, shipped, delivered, complete, returned, cancelled (any case)',
    );
    expect(lines).toContain('    sale_price         money      required  MONEY_OUT_OF_RANGE       > 0');
    expect(lines).toContain(
      "    RETURN_WITHOUT_RETURNED_AT  returned_at   status != 'returned' or returned_at is not null",
    );
    expect(lines.slice(-6)).toEqual([
      '  relationships (3):',
      '    COLUMN      REFERS TO        CODE',
      '    order_id    orders.order_id  UNKNOWN_ORDER',
      '    user_id     orders.user_id   ITEM_USER_MISMATCH',
      '    product_id  products.id      UNKNOWN_PRODUCT',
      '',
    ]);
  });

  it('shows physical names that differ, reads --contracts, and prints the same as data with --json', async () => {
    // Prepare
    const dir = await edited('physical', [
      {
        file: 'products.odcs.yaml',
        from: '      - name: sku\n',
        to: '      - name: sku\n        physicalName: SKU_CODE\n',
      },
    ]);

    // Act
    const text = await runCli(['contracts', 'show', 'products', '--contracts', dir], workDir);
    const json = await runCli(['contracts', 'show', 'products', '--contracts', dir, '--json'], workDir);

    // Assess
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      '    NAME                    PHYSICAL  KIND     REQUIRED         INVALID CODE             CHECK\n',
    );
    expect(text.stdout).toContain(
      '    sku                     SKU_CODE  string   required         SKU_PATTERN_MISMATCH     matches ^[A-Za-z]{3}-\\d{8}$\n',
    );
    expect(text.stdout).toContain(
      '    brand                             string   header required  -                        any text\n',
    );
    expect(json.code).toBe(0);
    const document = JSON.parse(json.stdout);
    expect(document.ok).toBe(true);
    expect(document.sources).toEqual(SHIPPED_FILES.map((file) => path.join(dir, file)));
    expect(document.datasets).toHaveLength(1);
    expect(document.datasets[0]).toMatchObject({
      dataset: 'products',
      contractId: 'storeflow-products',
      contractVersion: '1.0.0',
      folders: ['products'],
      maxRejectedRowRatio: 0.05,
      key: 'id',
      rules: [
        {
          code: 'COST_ABOVE_RETAIL_PRICE',
          column: 'cost',
          rule: 'cost <= retail_price',
          expression: 'cost <= retail_price',
        },
      ],
      relationships: [],
    });
    expect(document.datasets[0].columns[1]).toEqual({
      name: 'sku',
      physicalName: 'SKU_CODE',
      kind: 'string',
      required: 'required',
      check: 'matches ^[A-Za-z]{3}-\\d{8}$',
      range: {},
      pattern: '^[A-Za-z]{3}-\\d{8}$',
      caseInsensitive: false,
      invalidCode: 'SKU_PATTERN_MISMATCH',
      invalidRule: 'matches ^[A-Za-z]{3}-\\d{8}$',
    });
    // Money bounds are in cents, as the validator compares them.
    expect(document.datasets[0].columns[6]).toMatchObject({
      name: 'retail_price',
      range: { exclusiveMinimum: 0 },
    });
  });

  it('shows every dataset without DATASET, and names the known ones for an unknown one', async () => {
    // Act
    const all = await runCli(['contracts', 'show'], workDir);
    const unknown = await runCli(['contracts', 'show', 'customers'], workDir);

    // Assess
    expect(all.code).toBe(0);
    expect(all.stdout.match(/^\S+: contract \S+$/gm)).toEqual([
      'order_items: contract storeflow-order-items@1.0.0',
      'orders: contract storeflow-orders@1.0.0',
      'products: contract storeflow-products@1.0.0',
    ]);
    expect(unknown).toEqual({
      code: 1,
      stdout: '',
      stderr: "storeflow: no contract defines dataset 'customers'; these do: order_items, orders, products\n",
    });
  });
});

describe('storeflow contracts diff', () => {
  it('classifies every change, warns of a version not bumped, and exits 2 when stored data could be reclassified', async () => {
    // Prepare
    const next = await edited('next', [
      {
        file: 'products.odcs.yaml',
        from: "pattern: '^[A-Za-z]{3}-\\d{8}$'",
        to: "pattern: '^[A-Z]{3}-\\d{8}$'",
      },
      { file: 'products.odcs.yaml', from: 'value: SKU_PATTERN_MISMATCH', to: 'value: SKU_INVALID' },
      { file: 'orders.odcs.yaml', from: 'version: 1.0.0', to: 'version: 1.1.0' },
      { file: 'orders.odcs.yaml', from: 'value: 0.05', to: 'value: 0.02' },
    ]);

    // Act
    const text = await runCli(['contracts', 'diff', DEFAULT_CONTRACTS_DIR, next], workDir);
    const json = await runCli(['contracts', 'diff', DEFAULT_CONTRACTS_DIR, next, '--json'], workDir);

    // Assess
    expect(text).toEqual({
      code: 2,
      stderr: '',
      stdout: [
        'DATASET   IMPACT        SUBJECT                 CHANGE',
        'orders    compatible    contract                version changed: 1.0.0 → 1.1.0',
        'orders    reclassifies  rejected-row threshold  lowered (tightened): 0.05 → 0.02',
        'products  reclassifies  column sku              pattern changed: ^[A-Za-z]{3}-\\d{8}$ → ^[A-Z]{3}-\\d{8}$',
        'products  reports       column sku              invalid code renamed: SKU_PATTERN_MISMATCH → SKU_INVALID',
        'warning: version not bumped: storeflow-products changed (products) but is still version 1.0.0',
        '4 changes: 2 reclassifies stored data, 1 reports only, 1 compatible',
        '',
      ].join('\n'),
    });
    expect(json.code).toBe(2);
    const document = JSON.parse(json.stdout);
    expect(document).toMatchObject({
      ok: true,
      reclassifies: true,
      versionNotBumped: [{ contractId: 'storeflow-products', version: '1.0.0', datasets: ['products'] }],
    });
    expect(
      document.changes.map((change: { kind: string; impact: string }) => `${change.kind}:${change.impact}`),
    ).toEqual([
      'contract-version:compatible',
      'max-rejected-row-ratio:reclassifies',
      'pattern:reclassifies',
      'invalid-code:reports',
    ]);
  });

  it('exits 0 when no change reclassifies stored data, and says so when nothing changed', async () => {
    // Prepare: a code renamed with its version bumped, in files listed with commas.
    const next = await edited('renamed', [
      { file: 'products.odcs.yaml', from: 'value: COST_ABOVE_RETAIL_PRICE', to: 'value: COST_EXCEEDS_PRICE' },
      { file: 'products.odcs.yaml', from: 'version: 1.0.0', to: 'version: 1.0.1' },
    ]);

    // Act
    const renamed = await runCli(
      [
        'contracts',
        'diff',
        DEFAULT_CONTRACTS_DIR,
        SHIPPED_FILES.map((file) => path.join(next, file)).join(','),
      ],
      workDir,
    );
    const same = await runCli(['contracts', 'diff', DEFAULT_CONTRACTS_DIR, DEFAULT_CONTRACTS_DIR], workDir);
    const sameJson = await runCli(
      ['contracts', 'diff', DEFAULT_CONTRACTS_DIR, DEFAULT_CONTRACTS_DIR, '--json'],
      workDir,
    );

    // Assess
    expect(renamed).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'DATASET   IMPACT      SUBJECT                  CHANGE',
        'products  compatible  contract                 version changed: 1.0.0 → 1.0.1',
        'products  reports     rule COST_EXCEEDS_PRICE  code renamed from COST_ABOVE_RETAIL_PRICE (same expression cost <= retail_price)',
        '2 changes: 0 reclassifies stored data, 1 reports only, 1 compatible',
        '',
      ].join('\n'),
    });
    expect(same).toEqual({ code: 0, stdout: 'no changes\n', stderr: '' });
    expect(JSON.parse(sameJson.stdout)).toEqual({
      ok: true,
      reclassifies: false,
      changes: [],
      versionNotBumped: [],
    });
  });

  it('exits 1 with the problems of a set that does not compile', async () => {
    // Prepare
    const broken = await edited('broken-new', BROKEN.slice(0, 1));

    // Act
    const text = await runCli(['contracts', 'diff', DEFAULT_CONTRACTS_DIR, broken], workDir);
    const json = await runCli(['contracts', 'diff', DEFAULT_CONTRACTS_DIR, broken, '--json'], workDir);

    // Assess
    expect(text.code).toBe(1);
    expect(text.stdout).toBe('');
    const stderr = text.stderr.trimEnd().split('\n');
    expect(stderr[0]).toBe(`storeflow: the NEW contracts (${broken}) have 1 problem:`);
    expect(stderr.slice(1)).toEqual([
      expect.stringMatching(
        /^ {2}RULE_EXPRESSION_INVALID \S+products\.odcs\.yaml schema\[0\]\.quality\[0\]\.implementation: /,
      ),
    ]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      problems: [
        { side: 'new', code: 'RULE_EXPRESSION_INVALID', path: 'schema[0].quality[0].implementation' },
      ],
    });
  });

  it('refuses a command line without both sets, or with --contracts', async () => {
    // Prepare
    const file = path.join(workDir, 'one.odcs.yaml');
    await writeFile(file, 'id: x\n');

    // Act
    const one = await runCli(['contracts', 'diff', file], workDir);
    const option = await runCli(['contracts', 'diff', file, file, '--contracts', file], workDir);
    const unknown = await runCli(['contracts', 'merge'], workDir);

    // Assess
    expect(one).toEqual({
      code: 1,
      stdout: '',
      stderr: 'storeflow: diff needs OLD and NEW (contract files or directories); see --help\n',
    });
    expect(option).toEqual({
      code: 1,
      stdout: '',
      stderr: 'storeflow: diff compares OLD and NEW: it takes no --contracts; see --help\n',
    });
    expect(unknown).toEqual({
      code: 1,
      stdout: '',
      stderr: "storeflow: unknown command 'merge'; use validate, show or diff (see --help)\n",
    });
  });
});
