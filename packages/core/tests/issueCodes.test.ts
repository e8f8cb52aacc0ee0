import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ISSUE_CODES } from '../src/index.js';

const docPath = path.resolve(import.meta.dirname, '../../../docs/error-codes.md');

/** Rows of the code table: `| \`CODE\` | level | kind | meaning | action |`. */
function documentedCodes(): Map<string, { level: string; kind: string; meaning: string; action: string }> {
  const rows = new Map<string, { level: string; kind: string; meaning: string; action: string }>();
  for (const line of readFileSync(docPath, 'utf8').split('\n')) {
    const match = /^\| `([A-Z0-9_]+)` \| (\w+) \| (\w+) \| (.+?) \| (.+) \|$/.exec(line);
    if (match) {
      rows.set(match[1] as string, {
        level: match[2] as string,
        kind: match[3] as string,
        meaning: match[4] as string,
        action: match[5] as string,
      });
    }
  }
  return rows;
}

describe('issue code catalogue', () => {
  it('documents every catalogue code in docs/error-codes.md and nothing else', () => {
    // Prepare
    const documented = documentedCodes();
    // Act
    const inCatalogueOnly = Object.keys(ISSUE_CODES).filter((code) => !documented.has(code));
    const inDocOnly = [...documented.keys()].filter((code) => !(code in ISSUE_CODES));
    // Assess
    expect(inCatalogueOnly).toEqual([]);
    expect(inDocOnly).toEqual([]);
    expect(documented.size).toBeGreaterThan(30);
  });

  it('gives each code the same level and kind in the doc as in the catalogue, and an action', () => {
    // Prepare
    const documented = documentedCodes();
    // Act
    const mismatches = Object.entries(ISSUE_CODES).filter(([code, info]) => {
      const row = documented.get(code);
      return (
        row === undefined || row.level !== info.level || row.kind !== info.kind || row.action.trim() === ''
      );
    });
    // Assess
    expect(mismatches).toEqual([]);
  });

  it('uses SCREAMING_SNAKE codes with a one-line description', () => {
    // Prepare
    const entries = Object.entries(ISSUE_CODES);
    // Act
    const bad = entries.filter(
      ([code, info]) => !/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/.test(code) || info.description.includes('\n'),
    );
    // Assess
    expect(bad).toEqual([]);
  });

  it('makes EXTRA_COLUMNS the only entry that rejects nothing, and a file-level notice', () => {
    // Prepare
    const entries = Object.entries(ISSUE_CODES);
    // Act
    const nonRejecting = entries.filter(([, info]) => !info.rejects).map(([code]) => code);
    // Assess
    expect(nonRejecting).toEqual(['EXTRA_COLUMNS']);
    expect(ISSUE_CODES.EXTRA_COLUMNS).toMatchObject({ level: 'file', kind: 'notice' });
  });
});
