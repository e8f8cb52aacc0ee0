import path from 'node:path';
import { DEFAULT_ITEMS, DEFAULT_RUNS, parseBenchOptions } from '../src/benchOptions.js';
import { BenchUsageError } from '../src/errors.js';

describe('parseBenchOptions', () => {
  it('takes the documented defaults when nothing is given', () => {
    // Act
    const options = parseBenchOptions([], '/tmp/t');
    // Assess
    expect(options).toEqual({
      items: 1_000_000,
      oneFile: false,
      runs: 3,
      dailyItems: 1_000_000,
      only: ['core', 'duckdb', 'pipeline'],
      json: undefined,
      seed: 'storeflow-bench',
      workDir: path.resolve('/tmp/t/storeflow-bench'),
      help: false,
    });
    expect([DEFAULT_ITEMS, DEFAULT_RUNS]).toEqual([1_000_000, 3]);
  });

  it('reads every option, keeping the approaches in their running order', () => {
    // Act
    const options = parseBenchOptions(
      [
        ...['--items', '2000', '--runs', '1', '--only', 'latency,duckdb,core,backfill', '--json', 'out.json'],
        ...['--seed', 's', '--daily-items', '250000', '--one-file'],
      ],
      '/tmp',
    );
    // Assess
    expect(options).toMatchObject({
      items: 2000,
      oneFile: true,
      runs: 1,
      dailyItems: 250_000,
      only: ['core', 'duckdb', 'backfill', 'latency'],
      json: 'out.json',
      seed: 's',
    });
  });

  it('runs the recompute only when asked for by name', () => {
    // Act
    const options = parseBenchOptions(['--only', 'recompute,core'], '/tmp');
    // Assess
    expect(options.only).toEqual(['core', 'recompute']);
  });

  it('runs the backfill on a warm stack beside the cold one, in the order of the approaches', () => {
    // Act
    const options = parseBenchOptions(['--only', 'backfill-warm,backfill'], '/tmp');
    // Assess
    expect(options.only).toEqual(['backfill', 'backfill-warm']);
  });

  it.each([
    [['--json'], '-'],
    [['--json', '--runs', '1'], '-'],
    [['--runs', '1', '--json'], '-'],
  ])('reads %j as JSON on stdout', (argv, json) => {
    expect(parseBenchOptions(argv).json).toBe(json);
  });

  it.each([
    [['--items', '0'], '--items'],
    [['--items', '1e6'], '--items'],
    [['--runs', '-1'], '--runs'],
    [['--only', 'core,spark'], 'spark'],
    [['--frobnicate'], 'frobnicate'],
  ])('rejects %j, naming %s', (argv, named) => {
    // Act
    const parse = () => parseBenchOptions(argv);
    // Assess
    expect(parse).toThrow(BenchUsageError);
    expect(parse).toThrow(named);
  });
});
