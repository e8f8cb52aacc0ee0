import { formatCents, parseCents } from '../src/index.js';

describe('parseCents', () => {
  it.each([
    ['0', 0],
    ['43', 4300],
    ['43.4', 4340],
    ['43.40', 4340],
    ['53.95', 5395],
    ['0.01', 1],
    ['-0.05', -5],
    ['-0', 0],
    ['007.5', 750],
    ['1.230', 123],
    ['1.2300000', 123],
    ['9999999999999.99', 999_999_999_999_999],
    // 0.1 + 0.2 style inputs that binary floats get wrong: cents stay exact.
    ['0.29', 29],
    ['1.15', 115],
  ])('parses %j to %d cents', (text, expected) => {
    // Prepare: the inputs are the table rows
    // Act
    const cents = parseCents(text);
    // Assess
    expect(cents).toBe(expected);
  });

  it('never returns negative zero', () => {
    // Prepare
    const text = '-0.00';
    // Act
    const cents = parseCents(text);
    // Assess
    expect(Object.is(cents, 0)).toBe(true);
  });

  it.each(['1.005', '1.001', '-0.009', '12.3456', '1.2301'])('reports %j as TOO_MANY_DECIMALS', (text) => {
    // Prepare: the inputs are the table rows
    // Act
    const result = parseCents(text);
    // Assess
    expect(result).toBe('TOO_MANY_DECIMALS');
  });

  it.each([
    '',
    '-',
    '.5',
    '1.',
    '+1',
    '1e3',
    ' 1.00',
    '1.00 ',
    '1,50',
    '$5',
    'abc',
    '1.2.3',
    '1.0x5',
    '--1',
    '12345678901234',
  ])('reports %j as NOT_A_NUMBER', (text) => {
    // Prepare: the inputs are the table rows
    // Act
    const result = parseCents(text);
    // Assess
    expect(result).toBe('NOT_A_NUMBER');
  });
});

describe('formatCents', () => {
  it.each([
    [0, '0.00'],
    [1, '0.01'],
    [10, '0.10'],
    [4340, '43.40'],
    [-5, '-0.05'],
    [-12345, '-123.45'],
    [215_349_797, '2153497.97'],
  ])('formats %d as %s', (cents, expected) => {
    // Prepare: the inputs are the table rows
    // Act
    const text = formatCents(cents);
    // Assess
    expect(text).toBe(expected);
  });
});
