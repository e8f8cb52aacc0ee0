import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadTransformerConfig, TRANSFORMER_ENV } from '@storeflow/transformer/config';
import { loadValidatorConfig, VALIDATOR_ENV } from '@storeflow/validator/config';
import { parse } from 'yaml';

export const REPOSITORY = path.resolve(import.meta.dirname, '../../..');

export type ServiceName = 'validator' | 'transformer';
export const SERVICES: readonly ServiceName[] = ['validator', 'transformer'];

export async function readRepositoryFile(relativePath: string): Promise<string> {
  return readFile(path.join(REPOSITORY, relativePath), 'utf8');
}

/** Reads YAML as Docker Compose does: `<<` merge keys are applied. */
export async function readYaml(relativePath: string): Promise<unknown> {
  return parse(await readRepositoryFile(relativePath), { merge: true });
}

export async function readJson(relativePath: string): Promise<unknown> {
  return JSON.parse(await readRepositoryFile(relativePath));
}

/** A service's own defaults, read through its config loader rather than restated here. */
export function serviceDefaults(service: ServiceName): {
  metricsPort: number;
  metricsPortVariable: string;
  shutdownGraceSeconds: number;
} {
  const anyQueue = 'http://127.0.0.1:1/000000000000/queue';
  if (service === 'validator') {
    const config = loadValidatorConfig({
      VALIDATOR_QUEUE_URL: anyQueue,
      VALIDATOR_TRANSFORM_QUEUE_URL: anyQueue,
    });
    return {
      metricsPort: config.metricsPort,
      metricsPortVariable: VALIDATOR_ENV.metricsPort,
      shutdownGraceSeconds: config.shutdownGraceSeconds,
    };
  }
  const config = loadTransformerConfig({ TRANSFORMER_QUEUE_URL: anyQueue });
  return {
    metricsPort: config.metricsPort,
    metricsPortVariable: TRANSFORMER_ENV.metricsPort,
    shutdownGraceSeconds: config.shutdownGraceSeconds,
  };
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; resolves with its exit code and output instead of throwing. */
export function run(
  command: string,
  args: readonly string[],
  options: { input?: string; env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? REPOSITORY,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 120_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += String(chunk);
    });
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      // A command that exits without reading its input closes the pipe first; its exit code and
      // output, which the caller checks, still say what happened.
      if (error.code !== 'EPIPE') reject(error);
    });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Runs promtool (Prometheus's checker). A missing promtool fails the test that needs it: these
 * checks must never pass by not running.
 */
export async function promtool(args: readonly string[], input?: string): Promise<CommandResult> {
  try {
    return await run('promtool', args, input === undefined ? {} : { input });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        "promtool is not installed: run 'bash scripts/setup.sh' (it installs Debian's prometheus package), " +
          'or put the promtool of a Prometheus release on PATH',
      );
    }
    throw error;
  }
}
