import { run } from './repository.js';

describe('run', () => {
  it("gives a command's exit code when it exits without reading the input it was given", async () => {
    // Prepare: far more input than a pipe buffers, so writing it outlives the command
    const input = 'x'.repeat(4 * 1024 * 1024);

    // Act
    const result = await run('sh', ['-c', 'echo done; exit 3'], { input });

    // Assess
    expect(result).toEqual({ code: 3, stdout: 'done\n', stderr: '' });
  });
});
