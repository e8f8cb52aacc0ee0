import { globSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as aws from '@storeflow/aws';
import * as core from '@storeflow/core';
import { OPERATIONAL_ERRORS, type OperationalErrorInfo, WorkerError } from '@storeflow/core';
import * as localStack from '@storeflow/local-stack';
import * as runtime from '@storeflow/runtime';
import { REPOSITORY } from './repository.js';

const CATALOGUE: Readonly<Record<string, OperationalErrorInfo>> = OPERATIONAL_ERRORS;

/** Each package's public index, by package name. */
const PUBLIC_INDEXES: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  '@storeflow/core': core,
  '@storeflow/runtime': runtime,
  '@storeflow/aws': aws,
  '@storeflow/local-stack': localStack,
};

/** Exported bases that only subclasses instantiate. */
const ABSTRACT_BASES: ReadonlySet<unknown> = new Set([WorkerError, localStack.LocalStackError]);

type ErrorClass = abstract new (...args: never[]) => WorkerError;

const FILE_KEY = { sourceKey: 'raw/orders/2025-03-30.csv', objectVersion: 'v1' };
const AWS_CALL = { operation: 'GetObject', service: 's3', endpoint: undefined };

/** SDK-shaped service errors, as `toWorkerError` receives them. */
function sdkError(name: string, httpStatusCode: number): Error {
  return Object.assign(new Error(`${name} from the service`), { name, $metadata: { httpStatusCode } });
}

/**
 * Instances of every exported error class, built as the code builds them. A class whose
 * retryability depends on the instance has one sample of each kind.
 */
const SAMPLES = new Map<ErrorClass, () => WorkerError[]>([
  [core.InvalidOptionError, () => [new core.InvalidOptionError('batchSize', 'must be at least 1')]],
  [
    core.KpiOverflowError,
    () => [new core.KpiOverflowError('total_revenue_cents', { orderDate: '2025-03-30' })],
  ],
  [
    core.ContractInvalidError,
    () => [
      new core.ContractInvalidError([
        { code: 'KEY_INVALID', source: 'contracts/users.odcs.yaml', path: 'schema[0]', message: 'no key' },
      ]),
    ],
  ],
  [
    runtime.ConfigInvalidError,
    () => [new runtime.ConfigInvalidError([{ variable: 'QUEUE_URL', problem: 'is required' }])],
  ],
  [
    aws.PollerOptionsError,
    () => [new aws.PollerOptionsError('invalid SqsPoller options: concurrency must be >= 1')],
  ],
  [aws.EndpointUnreachableError, () => [new aws.EndpointUnreachableError('sqs', 'http://127.0.0.1:1')]],
  [
    aws.AwsCallError,
    () => [
      aws.toWorkerError(sdkError('ThrottlingException', 400), AWS_CALL),
      aws.toWorkerError(sdkError('AccessDenied', 403), AWS_CALL),
    ],
  ],
  [aws.ResourceConflictError, () => [new aws.ResourceConflictError('queue storeflow-ingest', 'has no DLQ')]],
  [aws.InvalidEndpointError, () => [new aws.InvalidEndpointError('AWS_ENDPOINT_URL', 'localhost:4566')]],
  [
    aws.InvalidResourceNameError,
    () => [new aws.InvalidResourceNameError('Store Flow', 'use lowercase letters')],
  ],
  [aws.LeaseLostError, () => [new aws.LeaseLostError(FILE_KEY, 'worker-a', 'worker-b')]],
  [aws.ClaimConflictError, () => [new aws.ClaimConflictError(FILE_KEY)]],
  [aws.UnprocessedKeysError, () => [new aws.UnprocessedKeysError('References', 3, 8)]],
  [aws.WriteContentionError, () => [new aws.WriteContentionError(['TransactionConflict'], 8)]],
  [aws.KpiDateLeaseLostError, () => [new aws.KpiDateLeaseLostError('2025-03-30', 'worker-a', undefined)]],
  [aws.KpiDateContentionError, () => [new aws.KpiDateContentionError('2025-03-30')]],
  [aws.SourceVersionConflictError, () => [new aws.SourceVersionConflictError('orders/2025-03-30.csv', 5)]],
  [
    aws.NotValidatedError,
    () => [new aws.NotValidatedError(FILE_KEY, 'VALIDATING'), new aws.NotValidatedError(FILE_KEY, undefined)],
  ],
  [aws.InvalidItemError, () => [new aws.InvalidItemError('Lineage', 'status', 'is missing')]],
  [aws.ObjectUnreadableError, () => [new aws.ObjectUnreadableError('gzip stream is corrupt')]],
  [
    aws.MalformedSilverPartError,
    () => [new aws.MalformedSilverPartError('silver/orders/part-0.jsonl', 3, 'not JSON')],
  ],
  [
    aws.ContractLocationError,
    () => [
      new aws.ContractLocationError('s3://storeflow-data/contracts/', 'bucket storeflow-data does not exist'),
    ],
  ],
  [
    localStack.JavaUnavailableError,
    () => [new localStack.JavaUnavailableError('java', 'java was not found')],
  ],
  [localStack.PortInUseError, () => [new localStack.PortInUseError(4566, '--s3-port')]],
  [
    localStack.ComponentNotHealthyError,
    () => [new localStack.ComponentNotHealthyError('dynamodb', 'exited')],
  ],
]);

/** Every exported class of a package index that is, or extends, `WorkerError`. */
function exportedErrorClasses(): { packageName: string; name: string; errorClass: ErrorClass }[] {
  return Object.entries(PUBLIC_INDEXES).flatMap(([packageName, index]) =>
    Object.entries(index).flatMap(([name, value]) =>
      typeof value === 'function' && (value === WorkerError || value.prototype instanceof WorkerError)
        ? [{ packageName, name, errorClass: value as ErrorClass }]
        : [],
    ),
  );
}

/** Whether the instances of one code agree with its catalogue retryability. */
function retryabilityAgrees(expected: OperationalErrorInfo['retryable'], seen: readonly boolean[]): boolean {
  return expected === 'depends'
    ? seen.includes(true) && seen.includes(false)
    : seen.length > 0 && seen.every((retryable) => retryable === expected);
}

/** An error class as written in the source. */
interface DeclaredErrorClass {
  name: string;
  parent: string;
  packageName: string;
  file: string;
  /** Absent for an abstract base with no code. */
  code: string | undefined;
  /** `'depends'` when declared `readonly retryable: boolean` and set per instance. */
  retryable: boolean | 'depends' | undefined;
}

/** The source files of every workspace package, with the package each belongs to. */
function sourceFiles(): { file: string; packageName: string; text: string }[] {
  const packageNames = new Map<string, string>();
  return globSync(['packages/*/src/**/*.ts', 'services/*/src/**/*.ts', 'infra/src/**/*.ts'], {
    cwd: REPOSITORY,
  })
    .sort()
    .map((file) => {
      const packageDir = file.slice(0, file.indexOf('/src/'));
      let packageName = packageNames.get(packageDir);
      if (packageName === undefined) {
        const manifest = readFileSync(path.join(REPOSITORY, packageDir, 'package.json'), 'utf8');
        packageName = (JSON.parse(manifest) as { name: string }).name;
        packageNames.set(packageDir, packageName);
      }
      return { file, packageName, text: readFileSync(path.join(REPOSITORY, file), 'utf8') };
    });
}

/** Every class in the sources that extends `WorkerError`, directly or through another such class. */
function declaredErrorClasses(files: ReturnType<typeof sourceFiles>): DeclaredErrorClass[] {
  const declared: DeclaredErrorClass[] = [];
  for (const { file, packageName, text } of files) {
    for (const match of text.matchAll(/^(?:export )?(?:abstract )?class (\w+) extends (\w+) \{(\})?$/gm)) {
      // Biome formats a class's closing brace alone at the start of a line, or `{}` when empty.
      const body = match[3] === undefined ? text.slice(match.index, text.indexOf('\n}\n', match.index)) : '';
      const code = /^ {2}(?:override )?readonly code = '(\w+)';$/m.exec(body)?.[1];
      const retryable = /^ {2}(?:override )?readonly retryable(?: = (true|false)|: boolean);$/m.exec(body);
      declared.push({
        name: match[1] as string,
        parent: match[2] as string,
        packageName,
        file,
        code,
        retryable:
          retryable === null ? undefined : retryable[1] === undefined ? 'depends' : retryable[1] === 'true',
      });
    }
  }
  const workerErrors = new Set(['WorkerError']);
  let grown = true;
  while (grown) {
    const before = workerErrors.size;
    for (const candidate of declared)
      if (workerErrors.has(candidate.parent)) workerErrors.add(candidate.name);
    grown = workerErrors.size > before;
  }
  // A subclass that sets no code or retryable of its own inherits its parent's.
  const byName = new Map(declared.map((declaration) => [declaration.name, declaration]));
  const inherited = (declaration: DeclaredErrorClass): DeclaredErrorClass => {
    const parent = byName.get(declaration.parent);
    if (parent === undefined) return declaration;
    const resolved = inherited(parent);
    return {
      ...declaration,
      code: declaration.code ?? resolved.code,
      retryable: declaration.retryable ?? resolved.retryable,
    };
  };
  return declared
    .filter((candidate) => candidate.name !== 'WorkerError' && workerErrors.has(candidate.name))
    .map(inherited);
}

// Two views of the same promise, that every WorkerError's code is catalogued as it behaves: real
// instances of what each public index exports (so a per-instance retryability is seen both ways),
// and the sources of every package, which also reach the services (they have no index) and
// classes no index exports.
describe('operational errors of every package', () => {
  it('has a sample of every WorkerError class each public index exports', () => {
    // Prepare
    const exported = exportedErrorClasses();
    // Act
    const withoutSample = exported
      .filter(({ errorClass }) => !ABSTRACT_BASES.has(errorClass) && !SAMPLES.has(errorClass))
      .map(({ packageName, name }) => `${packageName} ${name}`);
    // Assess
    expect(withoutSample).toEqual([]);
    expect(exported.length).toBeGreaterThan(20);
  });

  it('gives every exported error class a catalogued code, its package and its retryability', () => {
    // Prepare
    const exported = exportedErrorClasses().filter(({ errorClass }) => SAMPLES.has(errorClass));
    // Act
    const mismatches = exported.flatMap(({ packageName, name, errorClass }) => {
      const instances = (SAMPLES.get(errorClass) as () => WorkerError[])();
      const codes = [...new Set(instances.map((error) => error.code))];
      const entry = codes.length === 1 ? CATALOGUE[codes[0] as string] : undefined;
      const agrees =
        entry !== undefined &&
        instances.every((error) => error instanceof errorClass && error.name === name) &&
        entry.thrownBy[0] === packageName &&
        retryabilityAgrees(
          entry.retryable,
          instances.map((error) => error.retryable),
        );
      return agrees ? [] : [{ packageName, name, codes, entry }];
    });
    // Assess
    expect(mismatches).toEqual([]);
  });

  it('catalogues every WorkerError subclass declared anywhere in the sources, as declared', () => {
    // Prepare
    const declared = declaredErrorClasses(sourceFiles());
    // Act
    const mismatches = declared.flatMap((declaration) => {
      // An abstract base such as LocalStackError leaves both to its subclasses.
      if (declaration.code === undefined && declaration.retryable === undefined) return [];
      const entry = declaration.code === undefined ? undefined : CATALOGUE[declaration.code];
      return entry !== undefined &&
        entry.thrownBy[0] === declaration.packageName &&
        entry.retryable === declaration.retryable
        ? []
        : [declaration];
    });
    // Assess
    expect(mismatches).toEqual([]);
    expect(declared.map(({ name }) => name)).toEqual(
      expect.arrayContaining(['MalformedSilverPartError', 'LeaseLostError']),
    );
  });

  it('names exactly the packages that throw each code, and catalogues no code that nothing declares', () => {
    // Prepare
    const files = sourceFiles();
    const declared = declaredErrorClasses(files).filter((declaration) => declaration.code !== undefined);
    // Act
    const throwers = new Map<string, Set<string>>();
    for (const { name, code } of declared) {
      const constructing = files
        .filter(({ text }) => text.includes(`new ${name}(`))
        .map(({ packageName }) => packageName);
      const packages = throwers.get(code as string) ?? new Set<string>();
      for (const packageName of constructing) packages.add(packageName);
      throwers.set(code as string, packages);
    }
    const mismatches = Object.entries(CATALOGUE).flatMap(([code, entry]) => {
      const actual = [...(throwers.get(code) ?? [])].sort();
      return JSON.stringify(actual) === JSON.stringify([...entry.thrownBy].sort()) ? [] : [{ code, actual }];
    });
    // Assess
    expect(mismatches).toEqual([]);
  });
});
