import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SilverReader, settleBeside } from '../src/coreApproach.js';

describe('settleBeside', () => {
  const message = 'the validation failed, and so did closing its part files';

  it('closes, then rethrows the validation error itself when closing succeeds', async () => {
    // Prepare
    const failure = new Error('validation failed');
    let closed = false;
    // Act
    const outcome = settleBeside(
      async () => {
        closed = true;
      },
      failure,
      message,
    );
    // Assess
    await expect(outcome).rejects.toBe(failure);
    expect(closed).toBe(true);
  });

  it('throws both errors when closing fails too, the validation error first', async () => {
    // Prepare
    const failure = new Error('validation failed');
    const closeFailure = new Error('EBADF');
    // Act
    const outcome = settleBeside(
      async () => {
        throw closeFailure;
      },
      failure,
      message,
    );
    // Assess
    await expect(outcome).rejects.toMatchObject({ errors: [failure, closeFailure], message });
  });
});

describe('SilverReader', () => {
  /** Runs `test` with a fresh directory of silver parts, removed afterwards whatever happened. */
  async function inPartsDir(test: (dir: string) => Promise<void>): Promise<void> {
    const dir = await mkdtemp(path.join(tmpdir(), 'storeflow-silver-reader-'));
    try {
      await test(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Writes one part of `count` rows numbered from `first`, each line `pad` characters of padding long. */
  async function writePart(
    dir: string,
    name: string,
    first: number,
    count: number,
    pad = 0,
  ): Promise<number[]> {
    const ids = Array.from({ length: count }, (_, index) => first + index);
    await writeFile(
      path.join(dir, name),
      ids.map((id) => `${JSON.stringify({ id, pad: 'x'.repeat(pad) })}\n`).join(''),
    );
    return ids;
  }

  it('hands over every row of every part once, whichever parts are larger than the ones before', async () => {
    await inPartsDir(async (dir) => {
      // Prepare: parts of growing and shrinking sizes, so each of the two buffers grows in turn
      // and a later, smaller part is read into a buffer that still holds a larger one's bytes
      const expected = [
        ...(await writePart(dir, '1.jsonl', 0, 3)),
        ...(await writePart(dir, '2.jsonl', 100, 500, 200)),
        ...(await writePart(dir, '3.jsonl', 1000, 2000, 300)),
        ...(await writePart(dir, '4.jsonl', 5000, 2)),
        ...(await writePart(dir, '5.jsonl', 6000, 1)),
      ];
      const reader = new SilverReader();
      const ids: number[] = [];

      // Act: twice, as the bench reads date after date with one reader
      await reader.forEachRow<{ id: number }>(dir, (row) => ids.push(row.id));
      await reader.forEachRow<{ id: number }>(dir, (row) => ids.push(row.id));

      // Assess: the parts come in directory order, the rows of each in its order
      const byId = (a: number, b: number) => a - b;
      expect(ids.slice(0, expected.length).sort(byId)).toEqual(expected);
      expect(ids.slice(expected.length).sort(byId)).toEqual(expected);
    });
  });

  it('reads nothing from a directory that does not exist', async () => {
    await inPartsDir(async (dir) => {
      // Prepare
      const reader = new SilverReader();
      const rows: unknown[] = [];
      // Act
      await reader.forEachRow(path.join(dir, 'missing'), (row) => rows.push(row));
      // Assess
      expect(rows).toEqual([]);
    });
  });

  it('throws the error of a malformed line', async () => {
    await inPartsDir(async (dir) => {
      // Prepare
      await writePart(dir, '1.jsonl', 0, 2);
      await writeFile(path.join(dir, '2.jsonl'), '{"id":5}\n{"id":\n');
      await writePart(dir, '3.jsonl', 10, 2);
      const reader = new SilverReader();
      // Act
      const reading = reader.forEachRow(dir, () => undefined);
      // Assess
      await expect(reading).rejects.toThrow(SyntaxError);
    });
  });
});
