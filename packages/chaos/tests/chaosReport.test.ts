import { type ChaosReport, chaosFailures, formatChaosSummary } from '../src/chaosReport.js';

const PASSING: ChaosReport = {
  options: {
    durationSeconds: 60,
    workers: 1,
    killEverySeconds: { min: 1, max: 4 },
    pauses: [{ emulator: 'dynamodb', atSeconds: 20, forSeconds: 10 }],
    seed: 's',
    graceSeconds: 3600,
    timeoutSeconds: 900,
  },
  runDir: '/runs/r1',
  faults: {
    kills: { validator: 9, transformer: 7 },
    skippedKills: 2,
    pauses: [{ emulator: 'dynamodb', atMs: 20_000, forMs: 10_000 }],
    unexpectedExits: [],
  },
  uploads: { first: 26, duplicate: 6, reupload: 5 },
  filesByStatus: { SUCCESS: 26 },
  files: 26,
  drainMs: 12_345,
  kpis: { equalRows: 100, totalRows: 100, differences: [] },
  deadLetterDepths: { 'ingest-dlq': 0, 'transform-dlq': 0 },
  logs: {
    validator: {
      warnLines: 3,
      errorLines: 0,
      otherLines: 0,
      redeliveredMessages: 4,
      redeliveries: 5,
      maxReceiveCount: 3,
    },
    transformer: {
      warnLines: 1,
      errorLines: 1,
      otherLines: 2,
      redeliveredMessages: 0,
      redeliveries: 0,
      maxReceiveCount: 1,
    },
  },
  failures: [],
};

describe('chaosFailures', () => {
  it('finds nothing wrong when every file succeeded, every KPI row is equal and the DLQs are empty', () => {
    expect(chaosFailures(PASSING)).toEqual([]);
  });

  it('names every failed check', () => {
    // Act
    const failures = chaosFailures({
      files: 26,
      filesByStatus: { SUCCESS: 23, FAILED: 1, VALIDATING: 2 },
      kpis: { equalRows: 98, totalRows: 100, differences: ['daily 2024-01-01: missing'] },
      deadLetterDepths: { 'ingest-dlq': 0, 'transform-dlq': 2 },
    });
    // Assess
    expect(failures).toEqual([
      '3 of 26 files are not SUCCESS (1 FAILED, 2 VALIDATING)',
      '2 of 100 KPI rows differ from the oracle; first: daily 2024-01-01: missing',
      'dead-letter queue transform-dlq holds 2 messages',
    ]);
  });

  it('fails a run whose KPI tables and oracle are both empty: nothing was compared', () => {
    const failures = chaosFailures({ ...PASSING, kpis: { equalRows: 0, totalRows: 0, differences: [] } });
    expect(failures).toEqual(['0 of 0 KPI rows differ from the oracle']);
  });
});

describe('formatChaosSummary', () => {
  it('prints every figure of the report', () => {
    // Act
    const text = formatChaosSummary(PASSING);
    // Assess
    expect(text).toContain('Chaos run PASSED (seed s, 60 s storm, 1+1 workers)');
    expect(text).toContain('kills              16 (validator 9, transformer 7), 2 skipped (no worker up)');
    expect(text).toContain('pauses             dynamodb at 20.0 s for 10.0 s');
    expect(text).toContain('validator 4 messages (5 deliveries), max receiveCount 3');
    expect(text).toContain('drain              12.3 s');
    expect(text).toContain('files final        26 SUCCESS of 26');
    expect(text).toContain('KPI rows equal     100 / 100');
    expect(text).toContain('dead-letter queues ingest-dlq 0, transform-dlq 0');
    expect(text).toContain('transformer 1 warn, 1 error, 2 not JSON');
    expect(text).toContain('run directory      /runs/r1');
    expect(text).not.toContain('Failed:');
  });

  it('ends with what failed', () => {
    const text = formatChaosSummary({
      ...PASSING,
      drainMs: undefined,
      failures: ['1 of 26 files are not SUCCESS'],
    });
    expect(text).toContain('Chaos run FAILED');
    expect(text).toContain('not drained');
    expect(text).toMatch(/Failed:\n {2}1 of 26 files are not SUCCESS$/);
  });
});
