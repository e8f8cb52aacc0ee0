import type { ContractSource } from '@storeflow/core';
import { type AwsClients, contractLocations, readContractLocations } from '../src/index.js';

const NAMES = { pattern: /\.odcs\.(?:ya?ml|json)$/i, description: '*.odcs.yaml, *.odcs.yml or *.odcs.json' };

/** A file reader that answers one document per location and records what it read. */
function fileReader() {
  const read: string[] = [];
  return {
    read,
    readFiles: (location: string): ContractSource[] => {
      read.push(location);
      return [{ source: `${location}/a.odcs.yaml`, text: location }];
    },
  };
}

describe('contractLocations', () => {
  it('splits a list on commas, trims each location and drops empty ones', () => {
    expect(contractLocations(' s3://shop-data/contracts/ , extra/orders.odcs.yaml,')).toEqual([
      's3://shop-data/contracts/',
      'extra/orders.odcs.yaml',
    ]);
    expect(contractLocations(' , ')).toEqual([]);
  });

  it('answers the fallback when the list names no location', () => {
    expect(contractLocations(undefined, '/app/contracts')).toEqual(['/app/contracts']);
    expect(contractLocations(' ,', '/app/contracts')).toEqual(['/app/contracts']);
    expect(contractLocations('mine/', '/app/contracts')).toEqual(['mine/']);
  });
});

describe('readContractLocations', () => {
  it('reads files and directories in the order given, and makes no S3 call when none is on S3', async () => {
    // Prepare
    const files = fileReader();
    let clientCalls = 0;

    // Act
    const sources = await readContractLocations(['b/', 'a.odcs.yaml', 'b/'], {
      ...NAMES,
      withClients: async (read) => {
        clientCalls += 1;
        return read({} as AwsClients);
      },
      readFiles: files.readFiles,
    });

    // Assess
    expect(sources.map((source) => source.text)).toEqual(['b/', 'a.odcs.yaml', 'b/']);
    expect(files.read).toEqual(['b/', 'a.odcs.yaml', 'b/']);
    expect(clientCalls).toBe(0);
  });

  it('reads the S3 locations first, through one call for clients, and reads no file when that fails', async () => {
    // Prepare
    const files = fileReader();
    let clientCalls = 0;

    // Act
    const reading = readContractLocations(['local/', 's3://shop-data/a/', 's3://shop-data/b/'], {
      ...NAMES,
      withClients: async () => {
        clientCalls += 1;
        throw new Error('no AWS here');
      },
      readFiles: files.readFiles,
    });

    // Assess
    await expect(reading).rejects.toThrow('no AWS here');
    expect(clientCalls).toBe(1);
    expect(files.read).toEqual([]);
  });
});
