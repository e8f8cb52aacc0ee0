import { type ContractSet, compileContractSet, InvalidOptionError } from '@storeflow/core';
import { DEFAULT_CONTRACTS_DIR, loadContractFiles, readContractFiles } from '@storeflow/runtime';
import { ALL_ERROR_KINDS, DEFAULT_ERROR_KINDS, type ErrorKind } from '../src/index.js';
import { expectedOutcomes, generate, validateAll } from './helpers/validateGenerated.js';

const SHIPPED = loadContractFiles();

/** The shipped contracts with `edit` applied to the text of the one file named. */
function contractsWith(edits: Readonly<Record<string, (text: string) => string>>): ContractSet {
  const edited = readContractFiles([DEFAULT_CONTRACTS_DIR]).map(({ source, text }) => {
    const file = source.slice(source.lastIndexOf('/') + 1);
    const edit = edits[file];
    return { source, text: edit === undefined ? text : edit(text) };
  });
  const result = compileContractSet(edited);
  if (!result.ok) throw new Error(`contracts invalid:\n${JSON.stringify(result.problems, null, 2)}`);
  return result.contracts;
}

/** Replaces exactly one occurrence of `old`, so an edit never silently misses. */
function replaceOnce(text: string, old: string, next: string): string {
  const at = text.indexOf(old);
  if (at < 0 || text.indexOf(old, at + 1) >= 0) throw new Error(`expected one ${JSON.stringify(old)}`);
  return text.slice(0, at) + next + text.slice(at + old.length);
}

/** Gives the column `name` the physical name `physical`. */
function mapColumn(name: string, physical: string) {
  return (text: string) =>
    replaceOnce(
      text,
      `      - name: ${name}\n`,
      `      - name: ${name}\n        physicalName: ${physical}\n`,
    );
}

/** Removes list entries (columns or rules) by name: `      - name: <name>` and its deeper lines. */
function dropEntries(...names: string[]) {
  return (text: string) =>
    names.reduce((current, name) => {
      const block = new RegExp(`^ {6}- name: ${name}\\n(?: {8}.*\\n)*`, 'm');
      if (!block.test(current)) throw new Error(`no entry ${name}`);
      return current.replace(block, '');
    }, text);
}

/** order_items' sale_price read from a `price` column, as a mapped export has it. */
const PRICE_MAPPED = contractsWith({ 'order_items.odcs.yaml': mapColumn('sale_price', 'price') });

describe('DataGenerator with contracts', () => {
  it.each([
    ['csv', 0, DEFAULT_ERROR_KINDS],
    ['jsonl', 0, DEFAULT_ERROR_KINDS],
    ['csv', 0.06, ALL_ERROR_KINDS],
    ['jsonl', 0.06, ALL_ERROR_KINDS],
  ] as const)(
    'writes sale_price as price (%s, error rate %d), which the mapped contract judges exactly as the shipped one judges the unmapped files',
    async (format, errorRate, errorKinds: readonly ErrorKind[]) => {
      // Prepare
      const options = {
        seed: `mapped-${format}-${errorRate}`,
        orders: 1200,
        products: 300,
        files: 3,
        format,
        timestamps: 'mixed',
        errorRate,
        errorKinds,
        lateItems: true,
      } as const;

      // Act
      const mapped = generate({ ...options, contracts: PRICE_MAPPED });
      const unmapped = generate(options);
      const mappedOutcomes = await validateAll(mapped, PRICE_MAPPED);
      const unmappedOutcomes = await validateAll(unmapped, SHIPPED);

      // Assess: the items files name the column price, and hold nothing else new
      const itemTexts = [...mapped.texts].filter(([key]) => key.startsWith('order_items/'));
      expect(itemTexts).toHaveLength(3);
      for (const [key, text] of itemTexts) {
        expect(text).not.toContain('sale_price');
        if (format === 'csv') {
          expect(text.slice(0, text.indexOf('\n')).split(',')).toContain('price');
        } else {
          const objects = text.trim().split('\n');
          const keyed = objects.filter((line) => line.includes('"price":'));
          // Malformed lines (a brace short) still carry their keys.
          expect(keyed).toHaveLength(objects.length);
        }
        const unmappedText = unmapped.texts.get(key) ?? '';
        expect(text).toBe(
          format === 'csv'
            ? unmappedText.replace(/^([^\n]*),sale_price\n/, '$1,price\n')
            : unmappedText.replaceAll('"sale_price":', '"price":'),
        );
      }
      for (const [key, text] of mapped.texts) {
        if (!key.startsWith('order_items/')) expect(text).toBe(unmapped.texts.get(key));
      }
      // The same rows accepted and rejected, with the same codes, file by file
      expect(mappedOutcomes).toEqual(unmappedOutcomes);
      expect(mappedOutcomes).toEqual(expectedOutcomes(mapped));
      const rejected = mappedOutcomes.reduce((total, outcome) => total + outcome.rows.rejected, 0);
      if (errorRate === 0) expect(rejected).toBe(0);
      else {
        expect(rejected).toBeGreaterThan(0);
        // Errors aimed at sale_price hit the price column: the validator reports them under its codes.
        const itemCodes = mappedOutcomes
          .filter((outcome) => outcome.key.startsWith('order_items/'))
          .flatMap((outcome) => Object.keys(outcome.ruleCounts));
        expect(itemCodes).toEqual(expect.arrayContaining(['MONEY_NOT_DECIMAL', 'MONEY_TOO_MANY_DECIMALS']));
      }
      expect(mapped.generator.manifest().columns?.order_items?.join(',')).toBe(
        'id,order_id,user_id,product_id,inventory_item_id,status,created_at,shipped_at,delivered_at,returned_at,price',
      );
    },
  );

  it('leaves out the columns a contract does not define, and the error kinds only they would show', async () => {
    // Prepare: orders without their shipping dates (and the rules reading them), gender renamed;
    // products without distribution_center_id, items without inventory_item_id
    const contracts = contractsWith({
      'orders.odcs.yaml': (text) =>
        mapColumn(
          'gender',
          'customer_gender',
        )(
          dropEntries(
            'returned_at',
            'shipped_at',
            'delivered_at',
            'shipped after created',
            'delivered after shipped',
            'returned_at only on returns',
            'returns have returned_at',
          )(text),
        ),
      'products.odcs.yaml': dropEntries('distribution_center_id'),
      'order_items.odcs.yaml': dropEntries('inventory_item_id'),
    });

    // Act
    const set = generate({
      seed: 'trimmed',
      orders: 1500,
      products: 300,
      files: 2,
      errorRate: 0.08,
      errorKinds: ALL_ERROR_KINDS,
      contracts,
    });
    const outcomes = await validateAll(set, contracts);

    // Assess
    const headers = new Map(
      [...set.texts].map(([key, text]) => [
        key.slice(0, key.indexOf('/')),
        text.slice(0, text.indexOf('\n')),
      ]),
    );
    expect(headers.get('products')).toBe('id,cost,category,name,brand,retail_price,department,sku');
    expect(headers.get('orders')).toBe('order_id,user_id,status,customer_gender,created_at,num_of_item');
    expect(headers.get('order_items')).toBe(
      'id,order_id,user_id,product_id,status,created_at,shipped_at,delivered_at,returned_at,sale_price',
    );
    const manifest = set.generator.manifest();
    const injectedIn = (dataset: string) =>
      new Set(
        manifest.files
          .filter((file) => file.dataset === dataset)
          .flatMap((file) => Object.keys(file.injected)),
      );
    const dateKinds = [
      'shipped-before-created',
      'delivered-before-shipped',
      'missing-returned-at',
      'stray-returned-at',
    ];
    for (const kind of dateKinds) {
      expect(injectedIn('orders').has(kind)).toBe(false);
      expect(injectedIn('order_items').has(kind)).toBe(true);
    }
    expect(injectedIn('orders').has('bad-status')).toBe(true);
    expect(outcomes).toEqual(expectedOutcomes(set));
    expect(outcomes.reduce((total, outcome) => total + outcome.rows.rejected, 0)).toBeGreaterThan(0);
  });

  it('writes the same files with the shipped contracts as without, and lists their columns in the manifest', () => {
    // Act
    const options = { seed: 'same', orders: 300, products: 60, files: 2, errorRate: 0.05 } as const;
    const withContracts = generate({ ...options, contracts: SHIPPED });
    const without = generate(options);

    // Assess
    expect(withContracts.texts).toEqual(without.texts);
    const { columns, ...manifest } = withContracts.generator.manifest();
    expect(manifest).toEqual(without.generator.manifest());
    expect(without.generator.manifest()).not.toHaveProperty('columns');
    expect(columns?.orders?.join(',')).toBe(
      'order_id,user_id,status,gender,created_at,returned_at,shipped_at,delivered_at,num_of_item',
    );
    expect(withContracts.generator.options).not.toHaveProperty('contracts');
  });

  it('refuses contracts that require a column the generator does not write', () => {
    // Prepare
    const contracts = contractsWith({
      'order_items.odcs.yaml': (text) =>
        replaceOnce(
          text,
          '    properties:\n',
          '    properties:\n      - name: currency\n        logicalType: string\n        required: true\n',
        ),
    });

    // Act and assess
    expect(() => generate({ orders: 10, products: 5, files: 1, contracts })).toThrow(InvalidOptionError);
    expect(() => generate({ orders: 10, products: 5, files: 1, contracts })).toThrow(
      /^invalid option contracts: order_items requires columns the generator does not write: currency$/,
    );
  });

  it('refuses a null burst when the contracts leave out the column it empties', () => {
    // Prepare
    const contracts = contractsWith({ 'orders.odcs.yaml': dropEntries('gender') });

    // Act and assess
    expect(() =>
      generate({
        orders: 100,
        products: 10,
        days: 3,
        files: 3,
        dailyFiles: true,
        anomalies: [{ date: '2026-01-02', kind: 'null-burst' }],
        contracts,
      }),
    ).toThrow(/^invalid option anomalies: null-burst empties orders.gender, which the contracts leave out$/);
  });
});
