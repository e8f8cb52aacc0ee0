import path from 'node:path';

/** A workspace package as its package.json declares it; `dir` is relative to the repository. */
export interface WorkspacePackage {
  readonly name: string;
  readonly dir: string;
  readonly dependencies: readonly string[];
  readonly devDependencies: readonly string[];
}

/** A source or test file (path relative to the repository) and the module specifiers it imports. */
export interface SourceFile {
  readonly path: string;
  readonly specifiers: readonly string[];
}

const WORKSPACE_SCOPE = '@storeflow/';

/**
 * Core is pure. Besides ajv, fast-csv and yaml (reading a contract's text, handed over by the
 * caller) it may import `node:crypto` only: hashing (source ids) is
 * computation, not I/O. It reads bytes as an `AsyncIterable<Uint8Array>` its caller has already
 * gunzipped, so it needs neither `node:stream` nor `node:zlib`, and every other node module is
 * I/O (fs, net, http, child_process, ...) or process state (os, process, worker_threads).
 */
export const CORE_ALLOWED_IMPORTS: ReadonlySet<string> = new Set(['ajv', 'fast-csv', 'node:crypto', 'yaml']);

/** The workspace packages a package's production `dependencies` may name; unlisted packages are free. */
export const ALLOWED_WORKSPACE_DEPENDENCIES: Readonly<Record<string, readonly string[]>> = {
  '@storeflow/core': [],
  '@storeflow/aws': ['@storeflow/core'],
  '@storeflow/runtime': ['@storeflow/core'],
  '@storeflow/datagen': ['@storeflow/core'],
  '@storeflow/quality-report': ['@storeflow/core', '@storeflow/aws'],
  '@storeflow/jest-preset': [],
  // No workspace package at all, devDependencies included: every package's tests use it, so any
  // dependency of its own would close a cycle.
  '@storeflow/testing': [],
};

/**
 * Packages that are themselves a test run outside jest, so the harness is what they ship: the chaos
 * suite checks the pipeline's KPIs against the independent computation and uploads the sample; the
 * bench reads the services' /metrics with the harness's parser.
 */
export const VERIFICATION_TOOLS: ReadonlySet<string> = new Set(['@storeflow/bench', '@storeflow/chaos']);

/** Every module specifier of a TypeScript or JavaScript text: static, re-exported, side-effect and dynamic imports. */
export function importSpecifiers(text: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
  return [...text.matchAll(pattern)].flatMap((match) => (match[1] === undefined ? [] : [match[1]]));
}

/** Every broken rule, one line each naming the file (or package.json) and the rule. */
export function dependencyViolations(
  packages: readonly WorkspacePackage[],
  files: readonly SourceFile[],
): string[] {
  return [
    ...packages.flatMap(manifestViolations),
    ...files.flatMap((file) => fileViolations(packages, file)),
  ];
}

function manifestViolations(pkg: WorkspacePackage): string[] {
  const allowed = ALLOWED_WORKSPACE_DEPENDENCIES[pkg.name];
  const declared =
    pkg.name === '@storeflow/testing'
      ? [...pkg.dependencies, ...pkg.devDependencies.filter((name) => name !== '@storeflow/jest-preset')]
      : pkg.dependencies;
  const violations = declared
    .filter((name) => name.startsWith(WORKSPACE_SCOPE) && allowed !== undefined && !allowed.includes(name))
    .map((name) => `${pkg.dir}/package.json: ${pkg.name} may not depend on ${name}`);
  if (pkg.dependencies.includes('@storeflow/testing') && !VERIFICATION_TOOLS.has(pkg.name)) {
    violations.push(`${pkg.dir}/package.json: @storeflow/testing is a devDependency only`);
  }
  return violations;
}

function fileViolations(packages: readonly WorkspacePackage[], file: SourceFile): string[] {
  const owner = ownerOf(packages, file.path);
  if (owner === undefined) return [];
  const inSrc = file.path.startsWith(`${owner.dir}/src/`);
  const violations: string[] = [];
  for (const specifier of file.specifiers) {
    const broken = brokenRule(packages, owner, file.path, inSrc, specifier);
    if (broken !== undefined) violations.push(`${file.path}: '${specifier}' ${broken}`);
  }
  return violations;
}

function brokenRule(
  packages: readonly WorkspacePackage[],
  owner: WorkspacePackage,
  filePath: string,
  inSrc: boolean,
  specifier: string,
): string | undefined {
  if (specifier.startsWith('.')) {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(filePath), specifier));
    const targetOwner = ownerOf(packages, target);
    return targetOwner === owner ? undefined : `reaches outside ${owner.name} by path: import its package`;
  }
  if (/^@storeflow\/[^/]+\/(src|dist|tests)(\/|$)/.test(specifier)) {
    return 'is a deep import: use the package exports';
  }
  const workspaceName = /^@storeflow\/[^/]+/.exec(specifier)?.[0];
  if (workspaceName !== undefined && workspaceName !== owner.name) {
    const declared = inSrc ? owner.dependencies : [...owner.dependencies, ...owner.devDependencies];
    if (!declared.includes(workspaceName)) {
      return `is not a declared ${inSrc ? 'dependency' : 'dependency or devDependency'} of ${owner.name}`;
    }
  }
  if (!inSrc) return undefined;
  if (owner.name === '@storeflow/core' && !CORE_ALLOWED_IMPORTS.has(specifier)) {
    return `is not allowed in core, which is pure (allowed: ${[...CORE_ALLOWED_IMPORTS].join(', ')})`;
  }
  if (owner.dir.startsWith('services/') && specifier.startsWith('@aws-sdk/')) {
    return 'is an AWS SDK import in a service: send commands through an adapter of @storeflow/aws';
  }
  return undefined;
}

/** The package whose folder holds `filePath`: the longest matching `dir`. */
function ownerOf(packages: readonly WorkspacePackage[], filePath: string): WorkspacePackage | undefined {
  return packages
    .filter((pkg) => filePath.startsWith(`${pkg.dir}/`))
    .sort((a, b) => b.dir.length - a.dir.length)[0];
}
