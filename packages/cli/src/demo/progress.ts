/** Where the demo tells a person how far it got: stderr, so `--json` keeps stdout clean. */
export interface Progress {
  /** A step begins or ends: always its own line. */
  step(message: string): void;
  /** How far a long step is: a redrawn bar on a terminal, a line per change elsewhere. */
  advance(done: number, total: number, detail: string): void;
}

const BAR_WIDTH = 24;

export function createProgress(stream: NodeJS.WriteStream): Progress {
  const interactive = stream.isTTY === true;
  let barShown = false;
  let lastPlain = '';
  const endBar = () => {
    if (barShown) stream.write('\n');
    barShown = false;
  };
  return {
    step(message) {
      endBar();
      lastPlain = '';
      stream.write(`${message}\n`);
    },
    advance(done, total, detail) {
      const counts = `${done}/${total} ${detail}`;
      if (!interactive) {
        // Logs and CI get a line when something changed, not one per poll.
        if (counts !== lastPlain) stream.write(`  ${counts}\n`);
        lastPlain = counts;
        return;
      }
      const filled = total === 0 ? BAR_WIDTH : Math.round((done / total) * BAR_WIDTH);
      const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
      const line = `  ${bar} ${counts}`.slice(0, Math.max(20, (stream.columns ?? 80) - 1));
      stream.write(`\r\x1b[2K${line}`);
      barShown = true;
    },
  };
}
