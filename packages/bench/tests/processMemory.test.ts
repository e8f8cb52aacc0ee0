import { cpuSecondsOf, isJitCompilerThread, jitCompilerCpuSecondsOf } from '../src/processMemory.js';

describe('isJitCompilerThread', () => {
  it("knows HotSpot's C1 and C2 compiler threads by the names /proc shows, and nothing else", () => {
    // Act
    const found = [
      'C1 CompilerThre',
      'C2 CompilerThre',
      'GC Thread#0',
      'qtp1625428489-1',
      'SQLiteQueue[]',
      'java',
      'Compiler',
    ].filter(isJitCompilerThread);

    // Assess
    expect(found).toEqual(['C1 CompilerThre', 'C2 CompilerThre']);
  });
});

describe('jitCompilerCpuSecondsOf', () => {
  it('counts nothing in a process without JIT compiler threads, and is undefined for one that is gone', async () => {
    // Prepare: this Node process has no HotSpot threads; pid 2^22 + 1 is above Linux's pid limit
    const gone = 4_194_305;

    // Act
    const own = await jitCompilerCpuSecondsOf(process.pid);
    const missing = await jitCompilerCpuSecondsOf(gone);

    // Assess
    expect(own).toBe(0);
    expect(missing).toBeUndefined();
    expect(await cpuSecondsOf(process.pid)).toBeGreaterThan(0);
  });
});
