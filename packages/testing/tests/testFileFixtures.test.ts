import { perTestFile, uniquePrefix } from '../src/index.js';

const events: string[] = [];
const resource = perTestFile(async () => {
  events.push('started');
  return { name: 'stack', stop: async () => undefined };
});

describe('perTestFile', () => {
  it('has started the resource once before the first test', () => {
    expect(resource().name).toBe('stack');
    expect(events).toEqual(['started']);
  });

  it('hands the same instance to every later test', () => {
    expect(resource()).toBe(resource());
    expect(events).toEqual(['started']);
  });
});

describe('uniquePrefix', () => {
  it('is the tag, a dash and 8 hex characters, different on each call', () => {
    const first = uniquePrefix('ln');
    const second = uniquePrefix('ln');

    expect(first).toMatch(/^ln-[0-9a-f]{8}$/);
    expect(second).not.toBe(first);
  });
});
