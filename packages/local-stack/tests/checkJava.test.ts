import { checkJava, parseJavaMajor } from '../src/checkJava.js';
import { JavaUnavailableError } from '../src/errors.js';

describe('parseJavaMajor', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['openjdk version "21" 2023-09-19', 21],
    ['java version "1.8.0_402"', 8],
    ['no version here', undefined],
  ])('reads %s as %s', (output, expected) => {
    // Act
    const major = parseJavaMajor(output);

    // Assess
    expect(major).toBe(expected);
  });
});

describe('checkJava', () => {
  it('explains in one line what to install when java is missing', async () => {
    // Act
    const check = checkJava('/nonexistent/bin/java');

    // Assess
    const error = await check.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(JavaUnavailableError);
    expect(error).toMatchObject({ code: 'JAVA_UNAVAILABLE', retryable: false });
    expect((error as Error).message).toContain('apt-get install openjdk-17-jdk-headless');
    expect((error as Error).message).not.toContain('\n');
  });
});
