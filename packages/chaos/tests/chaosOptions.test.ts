import path from 'node:path';
import { parseChaosOptions } from '../src/chaosOptions.js';
import { ChaosUsageError } from '../src/errors.js';

describe('parseChaosOptions', () => {
  it('takes the documented defaults when nothing is given', () => {
    // Act
    const options = parseChaosOptions([]);
    // Assess
    expect(options).toEqual({
      durationSeconds: 300,
      workers: 2,
      killEverySeconds: { min: 1, max: 4 },
      pauses: [],
      seed: 'storeflow-chaos',
      graceSeconds: 3600,
      timeoutSeconds: 900,
      json: undefined,
      dir: path.resolve('.chaos'),
      help: false,
    });
  });

  it('reads every option', () => {
    // Act
    const options = parseChaosOptions([
      '--duration',
      '60',
      '--workers',
      '1',
      '--kill-every',
      '0.5-2',
      '--pause',
      'dynamodb:20,s3sqs:40:5',
      '--seed',
      'x',
      '--grace-seconds',
      '60',
      '--timeout',
      '100',
      '--json',
      'out.json',
      '--dir',
      '/tmp/c',
    ]);
    // Assess
    expect(options).toEqual({
      durationSeconds: 60,
      workers: 1,
      killEverySeconds: { min: 0.5, max: 2 },
      pauses: [
        { emulator: 'dynamodb', atSeconds: 20, forSeconds: 30 },
        { emulator: 's3sqs', atSeconds: 40, forSeconds: 5 },
      ],
      seed: 'x',
      graceSeconds: 60,
      timeoutSeconds: 100,
      json: 'out.json',
      dir: '/tmp/c',
      help: false,
    });
  });

  it.each([
    [['--json'], '-'],
    [['--json', '--workers', '1'], '-'],
  ])('reads %j as JSON on stdout', (argv, json) => {
    expect(parseChaosOptions(argv).json).toBe(json);
  });

  it('takes one number as a fixed interval between kills', () => {
    expect(parseChaosOptions(['--kill-every', '3']).killEverySeconds).toEqual({ min: 3, max: 3 });
  });

  it.each([
    [['--workers', '0'], "--workers must be a whole number of at least 1, got '0'"],
    [['--kill-every', '4-1'], '--kill-every takes'],
    [['--kill-every', '0'], '--kill-every takes'],
    [['--pause', 'redis:10'], '--pause takes'],
    [['--pause', 'dynamodb'], '--pause takes'],
    [['--duration', '60', '--pause', 'dynamodb:60'], 'the offset must fall inside the storm'],
    [['--pause', 'dynamodb:10:0'], "--pause seconds must be a whole number of at least 1, got '0'"],
    [['--pause', 'dynamodb:10:30,s3sqs:20,dynamodb:39'], 'the dynamodb pauses at 10 s and 39 s overlap'],
    [['--unknown'], 'see --help'],
  ])('rejects %j', (argv, message) => {
    // Act
    const parse = () => parseChaosOptions(argv);
    // Assess
    expect(parse).toThrow(ChaosUsageError);
    expect(parse).toThrow(message);
  });
});
