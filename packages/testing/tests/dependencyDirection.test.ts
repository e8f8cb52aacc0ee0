import { globSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  dependencyViolations,
  importSpecifiers,
  type SourceFile,
  type WorkspacePackage,
} from './dependencyRules.js';

const REPOSITORY = path.resolve(import.meta.dirname, '../../..');

function workspacePackages(): WorkspacePackage[] {
  return globSync(['packages/*/package.json', 'services/*/package.json', 'infra/package.json'], {
    cwd: REPOSITORY,
  }).map((manifestPath) => {
    const manifest = JSON.parse(readFileSync(path.join(REPOSITORY, manifestPath), 'utf8')) as {
      name: string;
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    return {
      name: manifest.name,
      dir: path.posix.dirname(manifestPath),
      dependencies: Object.keys(manifest.dependencies ?? {}),
      devDependencies: Object.keys(manifest.devDependencies ?? {}),
    };
  });
}

function sourceFiles(packages: readonly WorkspacePackage[]): SourceFile[] {
  return packages.flatMap((pkg) =>
    globSync(['src/**/*.{ts,js}', 'tests/**/*.{ts,js}', 'bench/**/*.{ts,js}', '*.js'], {
      cwd: path.join(REPOSITORY, pkg.dir),
    }).map((file) => {
      const filePath = `${pkg.dir}/${file}`;
      return {
        path: filePath,
        specifiers: importSpecifiers(readFileSync(path.join(REPOSITORY, filePath), 'utf8')),
      };
    }),
  );
}

describe('the dependency direction of the workspace', () => {
  it('holds for every package.json and every import of src/, tests/ and bench/', () => {
    const packages = workspacePackages();
    const files = sourceFiles(packages);

    // Guards against a scan that silently finds nothing.
    expect(packages.map((pkg) => pkg.name)).toEqual(
      expect.arrayContaining([
        '@storeflow/core',
        '@storeflow/aws',
        '@storeflow/validator',
        '@storeflow/infra',
      ]),
    );
    expect(files.some((file) => file.path === 'packages/core/src/index.ts')).toBe(true);
    expect(dependencyViolations(packages, files)).toEqual([]);
  });
});

describe('the dependency rules', () => {
  const core: WorkspacePackage = {
    name: '@storeflow/core',
    dir: 'packages/core',
    dependencies: ['ajv'],
    devDependencies: ['@storeflow/testing'],
  };
  const aws: WorkspacePackage = {
    name: '@storeflow/aws',
    dir: 'packages/aws',
    dependencies: ['@storeflow/core', '@aws-sdk/client-s3'],
    devDependencies: ['@storeflow/local-stack'],
  };
  const validator: WorkspacePackage = {
    name: '@storeflow/validator',
    dir: 'services/validator',
    dependencies: ['@storeflow/aws', '@storeflow/core'],
    devDependencies: [],
  };
  const file = (filePath: string, ...specifiers: string[]): SourceFile => ({ path: filePath, specifiers });

  it('finds every kind of import in a text', () => {
    const text = [
      "import { a } from 'one';",
      "import type {\n  B,\n} from './two.js';",
      "export { c } from '../three.js';",
      "import 'four';",
      "const five = await import('five');",
    ].join('\n');

    expect(importSpecifiers(text)).toEqual(['one', './two.js', '../three.js', 'four', 'five']);
  });

  it('accepts what the rules allow', () => {
    const files = [
      file('packages/core/src/ids.ts', 'node:crypto', 'ajv', './datasets.js'),
      file('packages/core/tests/ids.test.ts', '../src/ids.js', '@storeflow/testing', 'node:fs'),
      file('packages/aws/src/s3.ts', '@storeflow/core', '@aws-sdk/client-s3'),
      file('services/validator/src/validateObject.ts', '@storeflow/aws'),
      file('services/validator/tests/harness.ts', '@aws-sdk/client-s3'),
    ];

    expect(dependencyViolations([core, aws, validator], files)).toEqual([]);
  });

  it.each([
    ['core doing I/O', file('packages/core/src/a.ts', 'node:fs/promises'), 'is not allowed in core'],
    ['core using the SDK', file('packages/core/src/a.ts', '@aws-sdk/client-s3'), 'is not allowed in core'],
    ['core using zlib', file('packages/core/src/a.ts', 'node:zlib'), 'is not allowed in core'],
    [
      'a new service file sending SDK commands',
      file('services/validator/src/newThing.ts', '@aws-sdk/client-sqs'),
      'AWS SDK import in a service',
    ],
    [
      'a relative import into another package',
      file('services/validator/tests/a.test.ts', '../../../packages/core/tests/helpers/factories.js'),
      'reaches outside @storeflow/validator by path',
    ],
    ['a deep import', file('services/validator/src/a.ts', '@storeflow/core/src/money.js'), 'deep import'],
    [
      'an undeclared workspace import',
      file('packages/aws/src/a.ts', '@storeflow/runtime'),
      'not a declared dependency of @storeflow/aws',
    ],
    [
      'a devDependency imported by src',
      file('packages/aws/src/a.ts', '@storeflow/local-stack'),
      'not a declared dependency of @storeflow/aws',
    ],
  ])('rejects %s', (_case, badFile, rule) => {
    const violations = dependencyViolations([core, aws, validator], [badFile]);

    expect(violations).toHaveLength(1);
    expect(violations[0]).toContain(rule);
  });

  it('lets the chaos suite, a test run itself, ship the harness as a dependency', () => {
    const chaos: WorkspacePackage = {
      name: '@storeflow/chaos',
      dir: 'packages/chaos',
      dependencies: ['@storeflow/aws', '@storeflow/testing'],
      devDependencies: [],
    };

    expect(dependencyViolations([chaos], [file('packages/chaos/src/a.ts', '@storeflow/testing')])).toEqual(
      [],
    );
  });

  it('rejects a package.json whose dependencies point the wrong way', () => {
    const runtime: WorkspacePackage = {
      name: '@storeflow/runtime',
      dir: 'packages/runtime',
      dependencies: ['@storeflow/core', '@storeflow/aws', '@storeflow/testing'],
      devDependencies: [],
    };
    const testing: WorkspacePackage = {
      name: '@storeflow/testing',
      dir: 'packages/testing',
      dependencies: [],
      devDependencies: ['@storeflow/jest-preset', '@storeflow/local-stack'],
    };

    expect(dependencyViolations([runtime, testing], [])).toEqual([
      'packages/runtime/package.json: @storeflow/runtime may not depend on @storeflow/aws',
      'packages/runtime/package.json: @storeflow/runtime may not depend on @storeflow/testing',
      'packages/runtime/package.json: @storeflow/testing is a devDependency only',
      'packages/testing/package.json: @storeflow/testing may not depend on @storeflow/local-stack',
    ]);
  });
});
