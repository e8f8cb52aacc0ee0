import type { ChaosOptions, Emulator } from './chaosOptions.js';

/** One service's log summary in the report. */
export interface ServiceLogSummary {
  readonly warnLines: number;
  readonly errorLines: number;
  readonly otherLines: number;
  /** Messages the logs show with `receiveCount > 1`, and how many such deliveries. */
  readonly redeliveredMessages: number;
  readonly redeliveries: number;
  readonly maxReceiveCount: number;
}

/** The `--json` document and the source of the printed summary. */
export interface ChaosReport {
  readonly options: Omit<ChaosOptions, 'help' | 'json' | 'dir'>;
  /** Where the run's logs and stack state are. */
  readonly runDir: string;
  readonly faults: {
    /** Workers SIGKILLed, by service. */
    readonly kills: Readonly<Record<string, number>>;
    /** Kills skipped because no worker was up at that moment (all starting). */
    readonly skippedKills: number;
    readonly pauses: readonly {
      readonly emulator: Emulator;
      readonly atMs: number;
      readonly forMs: number;
    }[];
    /** Workers that ended without being killed, with how. */
    readonly unexpectedExits: readonly string[];
  };
  readonly uploads: { readonly first: number; readonly duplicate: number; readonly reupload: number };
  /** Files (distinct key and version) by lineage status at the end; `WAITING` = never seen. */
  readonly filesByStatus: Readonly<Record<string, number>>;
  readonly files: number;
  /** From the end of the last fault (a kill or a pause) to the last file becoming final, ms; 0 when none was left. */
  readonly drainMs: number | undefined;
  readonly kpis: {
    readonly equalRows: number;
    readonly totalRows: number;
    readonly differences: readonly string[];
  };
  /** Messages left in each dead-letter queue (visible, in flight and delayed together). */
  readonly deadLetterDepths: Readonly<Record<string, number>>;
  readonly logs: Readonly<Record<string, ServiceLogSummary>>;
  /** Why the run failed; empty when it passed. */
  readonly failures: readonly string[];
}

const SUCCESS = 'SUCCESS';

/**
 * What failed, one line each: files not SUCCESS, KPI rows not equal to the oracle's, messages in
 * a dead-letter queue. Empty means the run passed.
 */
export function chaosFailures(
  report: Pick<ChaosReport, 'filesByStatus' | 'files' | 'kpis' | 'deadLetterDepths'>,
): string[] {
  const failures: string[] = [];
  const succeeded = report.filesByStatus[SUCCESS] ?? 0;
  if (succeeded !== report.files) {
    const others = Object.entries(report.filesByStatus)
      .filter(([status, count]) => status !== SUCCESS && count > 0)
      .map(([status, count]) => `${count} ${status}`)
      .join(', ');
    failures.push(`${report.files - succeeded} of ${report.files} files are not SUCCESS (${others})`);
  }
  if (report.kpis.equalRows !== report.kpis.totalRows || report.kpis.totalRows === 0) {
    failures.push(
      `${report.kpis.totalRows - report.kpis.equalRows} of ${report.kpis.totalRows} KPI rows differ from the oracle` +
        (report.kpis.differences[0] === undefined ? '' : `; first: ${report.kpis.differences[0]}`),
    );
  }
  for (const [queue, depth] of Object.entries(report.deadLetterDepths)) {
    if (depth > 0) failures.push(`dead-letter queue ${queue} holds ${depth} messages`);
  }
  return failures;
}

/** The readable summary `pnpm chaos` prints. */
export function formatChaosSummary(report: ChaosReport): string {
  const kills = Object.entries(report.faults.kills);
  const totalKills = kills.reduce((total, [, count]) => total + count, 0);
  const lines = [
    `Chaos run ${report.failures.length === 0 ? 'PASSED' : 'FAILED'} (seed ${report.options.seed}, ` +
      `${report.options.durationSeconds} s storm, ${report.options.workers}+${report.options.workers} workers)`,
    `  kills              ${totalKills} (${kills.map(([service, count]) => `${service} ${count}`).join(', ')})` +
      (report.faults.skippedKills > 0 ? `, ${report.faults.skippedKills} skipped (no worker up)` : ''),
    `  pauses             ${
      report.faults.pauses.length === 0
        ? 'none'
        : report.faults.pauses
            .map((pause) => `${pause.emulator} at ${seconds(pause.atMs)} for ${seconds(pause.forMs)}`)
            .join(', ')
    }`,
    `  unexpected exits   ${report.faults.unexpectedExits.length === 0 ? 'none' : report.faults.unexpectedExits.join('; ')}`,
    `  uploads            ${report.uploads.first} files, ${report.uploads.duplicate} duplicates, ${report.uploads.reupload} re-uploads during the storm`,
    `  redeliveries       ${Object.entries(report.logs)
      .map(
        ([service, logs]) =>
          `${service} ${logs.redeliveredMessages} messages (${logs.redeliveries} deliveries), max receiveCount ${logs.maxReceiveCount}`,
      )
      .join('; ')}`,
    `  drain              ${report.drainMs === undefined ? 'not drained' : seconds(report.drainMs)} from the last fault to the last file final`,
    `  files final        ${Object.entries(report.filesByStatus)
      .map(([status, count]) => `${count} ${status}`)
      .join(', ')} of ${report.files}`,
    `  KPI rows equal     ${report.kpis.equalRows} / ${report.kpis.totalRows}`,
    `  dead-letter queues ${Object.entries(report.deadLetterDepths)
      .map(([queue, depth]) => `${queue} ${depth}`)
      .join(', ')}`,
    `  log lines          ${Object.entries(report.logs)
      .map(
        ([service, logs]) =>
          `${service} ${logs.warnLines} warn, ${logs.errorLines} error` +
          (logs.otherLines > 0 ? `, ${logs.otherLines} not JSON` : ''),
      )
      .join('; ')}`,
    `  run directory      ${report.runDir}`,
  ];
  if (report.failures.length > 0) lines.push('Failed:', ...report.failures.map((failure) => `  ${failure}`));
  return lines.join('\n');
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
