import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { ODCS_SUBSET_SCHEMA } from '../../src/index.js';
import { CONTRACTS_DIR } from '../helpers/contracts.js';

describe('the ODCS subset schema', () => {
  it('is published for editors and tools as contracts/odcs-subset.schema.json, the same schema', () => {
    // Prepare
    const published = JSON.parse(readFileSync(new URL('odcs-subset.schema.json', CONTRACTS_DIR), 'utf8'));
    // Act
    const { $schema, description, ...schema } = published;
    // Assess
    expect($schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(typeof description).toBe('string');
    expect(schema).toEqual(ODCS_SUBSET_SCHEMA);
  });

  it('is a valid draft-07 JSON Schema, which the contract loader leaves to this test', () => {
    // Prepare
    const ajv = new Ajv({ strict: false });
    // Act
    const valid = ajv.validateSchema(ODCS_SUBSET_SCHEMA);
    // Assess
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('is named by every shipped contract for editors that read yaml-language-server comments', () => {
    // Act
    const firstLines = ['products', 'orders', 'order_items'].map(
      (dataset) => readFileSync(new URL(`${dataset}.odcs.yaml`, CONTRACTS_DIR), 'utf8').split('\n')[0],
    );
    // Assess
    expect(firstLines).toEqual(Array(3).fill('# yaml-language-server: $schema=./odcs-subset.schema.json'));
  });
});
