import { type FileQualitySummary, judgeFile } from '../../src/index.js';

function file(number: number, fields: Partial<FileQualitySummary> = {}): FileQualitySummary {
  return {
    key: `orders/orders_${number}.csv@v1`,
    dataset: 'orders',
    eventTime: new Date(Date.UTC(2025, 5, 1) + number * 86_400_000).toISOString(),
    rows: 100,
    rejectedRowRatio: 0,
    nullRates: { gender: 0 },
    ...fields,
  };
}

/** Five ordinary files of 100 rows, none rejected, gender always set. */
const FIVE = [1, 2, 3, 4, 5].map((number) => file(number));

describe('judgeFile', () => {
  it('judges a file only after 5 earlier files of its dataset, itself and other datasets not counted', () => {
    // Prepare
    const judged = file(9, { rows: 1000 });
    const four = [...FIVE.slice(0, 4), judged, file(6, { dataset: 'order_items' })];

    // Act
    const fromFour = judgeFile(judged, four);
    const fromFive = judgeFile(judged, FIVE);

    // Assess
    expect(fromFour).toEqual([]);
    expect(fromFive.map((anomaly) => anomaly.metric)).toEqual(['row_count']);
  });

  it('allows row counts within 10% × 4 of the usual count when all files were the same size', () => {
    // Act
    const atEdges = [60, 140].flatMap((rows) => judgeFile(file(9, { rows }), FIVE));
    const beyond = judgeFile(file(9, { rows: 141 }), FIVE);

    // Assess
    expect(atEdges).toEqual([]);
    expect(beyond).toEqual([
      {
        scope: 'file',
        key: 'orders/orders_9.csv@v1',
        dataset: 'orders',
        metric: 'row_count',
        value: 141,
        expected: { low: 60, high: 140 },
        baseline: { n: 5, centre: 100, spread: 10 },
        rule: 'mad:z>4',
      },
    ]);
  });

  it('flags a column mostly empty where it was always set, and allows 20 points of drift', () => {
    // Act
    const drift = judgeFile(file(9, { nullRates: { gender: 0.2 } }), FIVE);
    const burst = judgeFile(file(9, { nullRates: { gender: 0.9 } }), FIVE);

    // Assess
    expect(drift).toEqual([]);
    expect(burst).toMatchObject([
      { metric: 'null_rate:gender', value: 0.9, expected: { low: 0, high: 0.2 }, baseline: { spread: 0.05 } },
    ]);
  });

  it('judges a column only against the files that had it', () => {
    // Prepare: only four earlier files have the column
    const history = FIVE.map((earlier, index) =>
      index === 0 ? earlier : { ...earlier, nullRates: { ...earlier.nullRates, brand: 0 } },
    );

    // Act
    const anomalies = judgeFile(file(9, { nullRates: { gender: 0, brand: 1 } }), history);

    // Assess
    expect(anomalies).toEqual([]);
  });

  it('flags a rejected-row share 2 points above a clean history (floor 0.005)', () => {
    // Prepare: one earlier file had 1% rejected; median 0, MAD 0
    const history = [...FIVE.slice(0, 4), file(5, { rejectedRowRatio: 0.01 })];

    // Act
    const two = judgeFile(file(9, { rejectedRowRatio: 0.02 }), history);
    const three = judgeFile(file(9, { rejectedRowRatio: 0.03 }), history);

    // Assess
    expect(two).toEqual([]);
    expect(three).toMatchObject([
      {
        metric: 'rejected_row_rate',
        expected: { low: 0, high: 0.02 },
        baseline: { centre: 0, spread: 0.005 },
      },
    ]);
  });
});
