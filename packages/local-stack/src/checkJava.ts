import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { JavaUnavailableError } from './errors.js';

const execFileAsync = promisify(execFile);

/** DynamoDB Local's classes are compiled for Java 17 (class file version 61). */
export const MIN_JAVA_MAJOR = 17;

/**
 * Checks that `javaCommand` is a JDK able to run the DynamoDB Local launcher: version 17 or
 * newer, with the `jdk.compiler` module that single-file source launch needs (a JRE lacks it).
 *
 * @throws {JavaUnavailableError} with a one-line message saying what to install
 */
export async function checkJava(javaCommand: string): Promise<void> {
  let versionOutput: string;
  let modules: string;
  try {
    // `java -version` writes to stderr; `--list-modules` to stdout.
    versionOutput = (await execFileAsync(javaCommand, ['-version'])).stderr;
    modules = (await execFileAsync(javaCommand, ['--list-modules'])).stdout;
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? `Java was not found (\`${javaCommand}\`)`
        : `\`${javaCommand} -version\` failed`;
    throw new JavaUnavailableError(javaCommand, reason, { cause: error });
  }
  const major = parseJavaMajor(versionOutput);
  if (major === undefined || major < MIN_JAVA_MAJOR) {
    throw new JavaUnavailableError(javaCommand, `Java ${major ?? 'of unknown version'} is too old`);
  }
  if (!/^jdk\.compiler@/m.test(modules)) {
    throw new JavaUnavailableError(
      javaCommand,
      `Java ${major} has no jdk.compiler module (a JRE, not a JDK)`,
    );
  }
}

/** The major version in `java -version` output: `"17.0.15"` → 17, legacy `"1.8.0_402"` → 8. */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (match === null) return undefined;
  const first = Number(match[1]);
  return first === 1 ? Number(match[2]) : first;
}
