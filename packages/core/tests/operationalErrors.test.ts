import { readFileSync } from 'node:fs';
import path from 'node:path';
import { OPERATIONAL_ERRORS } from '../src/index.js';

const docPath = path.resolve(import.meta.dirname, '../../../docs/error-codes.md');

interface DocumentedError {
  retryable: string;
  thrownBy: string;
  meaning: string;
  action: string;
}

/**
 * Rows of the table under "## Operational errors":
 * `| \`CODE\` | retryable | \`@storeflow/a\`, \`@storeflow/b\` | meaning | what to do |`.
 */
function documentedErrors(): Map<string, DocumentedError> {
  const text = readFileSync(docPath, 'utf8');
  const start = text.indexOf('\n## Operational errors\n');
  expect(start).toBeGreaterThan(-1);
  const next = text.indexOf('\n## ', start + 1);
  const section = text.slice(start, next === -1 ? undefined : next);
  const rows = new Map<string, DocumentedError>();
  for (const line of section.split('\n')) {
    const match = /^\| `([A-Z0-9_]+)` \| (\w+) \| (.+?) \| (.+?) \| (.+) \|$/.exec(line);
    if (match) {
      rows.set(match[1] as string, {
        retryable: match[2] as string,
        thrownBy: match[3] as string,
        meaning: match[4] as string,
        action: match[5] as string,
      });
    }
  }
  return rows;
}

/** How the doc spells a retryability. */
const RETRYABLE_WORDS = new Map<boolean | 'depends', string>([
  [true, 'yes'],
  [false, 'no'],
  ['depends', 'depends'],
]);

describe('operational error catalogue', () => {
  it('documents every catalogue code under "Operational errors" and nothing else', () => {
    // Prepare
    const documented = documentedErrors();
    // Act
    const inCatalogueOnly = Object.keys(OPERATIONAL_ERRORS).filter((code) => !documented.has(code));
    const inDocOnly = [...documented.keys()].filter((code) => !(code in OPERATIONAL_ERRORS));
    // Assess
    expect(inCatalogueOnly).toEqual([]);
    expect(inDocOnly).toEqual([]);
    expect(documented.size).toBeGreaterThan(20);
  });

  it('gives each code the same retryability, packages, meaning and action in the doc', () => {
    // Prepare
    const documented = documentedErrors();
    // Act
    const mismatches = Object.entries(OPERATIONAL_ERRORS).flatMap(([code, info]) => {
      const row = documented.get(code);
      const expected: DocumentedError = {
        retryable: RETRYABLE_WORDS.get(info.retryable) as string,
        thrownBy: info.thrownBy.map((name) => `\`${name}\``).join(', '),
        meaning: info.description,
        action: info.action,
      };
      return row === undefined || JSON.stringify(row) === JSON.stringify(expected)
        ? []
        : [{ code, row, expected }];
    });
    // Assess
    expect(mismatches).toEqual([]);
  });

  it('uses SCREAMING_SNAKE codes and one-line texts', () => {
    // Prepare
    const entries = Object.entries(OPERATIONAL_ERRORS);
    // Act
    const bad = entries.filter(
      ([code, info]) =>
        !/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/.test(code) ||
        [info.description, info.action].some((text) => text.trim() === '' || /[\n|]/.test(text)),
    );
    // Assess
    expect(bad).toEqual([]);
  });
});
