/** The pnpm the repository pins (`packageManager` in its package.json), as its README runs it. */
const PNPM = 'npx -y pnpm@10.34.9';

/**
 * The command that stops a `--keep` run in `demoDir`, spelled the way the demo was started: the
 * root `demo` or `cli` script (pnpm names the script in `npm_lifecycle_event`), else the bin.
 * `--dir` is always given, absolute, so the command stops that run from any directory.
 */
export function stopCommand(demoDir: string, env: Readonly<Record<string, string | undefined>>): string {
  const script = env.npm_lifecycle_event;
  const demo = script === 'demo' ? `${PNPM} demo` : script === 'cli' ? `${PNPM} cli demo` : 'storeflow demo';
  return `${demo} --stop --dir ${shellWord(demoDir)}`;
}

/** `value` as one POSIX shell word: as it is when nothing in it is special, else single-quoted. */
export function shellWord(value: string): string {
  if (/^[\w@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
