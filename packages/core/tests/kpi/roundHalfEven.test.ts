import { InvalidOptionError, KpiOverflowError, roundHalfEven } from '../../src/index.js';

describe('roundHalfEven', () => {
  it.each([
    // ties (exactly x.xx5 or x.5) go to the even neighbour, down and up
    [1, 8, 2, 0.12], // 0.125 → 0.12 (down: 2 is even)
    [3, 8, 2, 0.38], // 0.375 → 0.38 (up: 8 is even)
    [5, 8, 2, 0.62], // 0.625 → 0.62 (down)
    [7, 8, 2, 0.88], // 0.875 → 0.88 (up)
    [1, 2, 0, 0], // 0.5 → 0
    [3, 2, 0, 2], // 1.5 → 2
    [5, 2, 0, 2], // 2.5 → 2
    [12345, 2, 0, 6172], // 6172.5 → 6172 (an average in cents)
    [12347, 2, 0, 6174], // 6173.5 → 6174
    [1, 16, 3, 0.062], // 0.0625 → 0.062
    [3, 16, 3, 0.188], // 0.1875 → 0.188
    [1, 32, 4, 0.0312], // 0.03125 → 0.0312
    [3, 32, 4, 0.0938], // 0.09375 → 0.0938
    // non-ties round to the nearest
    [2, 3, 4, 0.6667],
    [1, 3, 4, 0.3333],
    [1, 7, 2, 0.14],
    [5, 7, 2, 0.71],
    [1001, 2000, 2, 0.5], // 0.5005 is above 0.50 → 0.50, not a tie
    [1, 1, 4, 1],
    [0, 5, 4, 0],
    [3, 3, 4, 1],
    // exact results stay exact
    [1, 4, 4, 0.25],
    [123450, 100, 2, 1234.5],
    // negatives round symmetrically
    [-1, 8, 2, -0.12],
    [-3, 8, 2, -0.38],
    [-2, 3, 4, -0.6667],
  ])('rounds %d / %d to %d places as %d', (numerator, denominator, places, expected) => {
    // Prepare: the inputs are the table rows
    // Act
    const rounded = roundHalfEven(numerator, denominator, places);
    // Assess
    expect(rounded).toBe(expected);
  });

  it('decides a tie that a binary float gets wrong', () => {
    // Prepare: 1.005 is 1.00499999999999989… as a double, so toFixed and Math.round see no tie
    const numerator = 1005;
    const denominator = 1000;
    // Act
    const rounded = roundHalfEven(numerator, denominator, 2);
    // Assess: the exact value 1.005 is a tie, and 1.00 is the even neighbour
    expect(rounded).toBe(1);
    expect(roundHalfEven(1015, 1000, 2)).toBe(1.02);
  });

  it('never returns negative zero', () => {
    // Prepare
    const numerator = -1;
    // Act
    const rounded = roundHalfEven(numerator, 3, 0);
    // Assess
    expect(Object.is(rounded, 0)).toBe(true);
  });

  it('stays exact at the edge of the safe range', () => {
    // Prepare: 2^53 - 1 is odd; halving it is a tie between 2^52 - 1 (odd) and 2^52 (even)
    const numerator = Number.MAX_SAFE_INTEGER;
    // Act
    const rounded = roundHalfEven(numerator, 2, 0);
    // Assess
    expect(rounded).toBe(2 ** 52);
    expect(roundHalfEven(Number.MAX_SAFE_INTEGER - 2, 2, 0)).toBe(2 ** 52 - 2);
  });

  it('throws a KpiOverflowError when the scaled numerator is not a safe integer', () => {
    // Prepare
    const numerator = Number.MAX_SAFE_INTEGER;
    // Act
    const round = () => roundHalfEven(numerator, 3, 1);
    // Assess
    expect(round).toThrow(KpiOverflowError);
    expect(round).toThrow(expect.objectContaining({ code: 'KPI_OVERFLOW', retryable: false }));
  });

  it.each([
    [1.5, 2, 2, 'numerator'],
    [Number.NaN, 2, 2, 'numerator'],
    [1, 0, 2, 'denominator'],
    [1, -2, 2, 'denominator'],
    [1, 0.5, 2, 'denominator'],
    [1, 2, -1, 'places'],
    [1, 2, 16, 'places'],
    [1, 2, 1.5, 'places'],
  ])('rejects %d / %d to %d places, naming the %s', (numerator, denominator, places, option) => {
    // Prepare: the inputs are the table rows
    // Act
    const round = () => roundHalfEven(numerator, denominator, places);
    // Assess
    expect(round).toThrow(InvalidOptionError);
    expect(round).toThrow(expect.objectContaining({ option }));
  });
});
