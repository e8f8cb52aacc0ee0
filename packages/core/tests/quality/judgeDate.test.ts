import { addDays, type DailyQualityMetrics, dateJudgementLookbackDays, judgeDate } from '../../src/index.js';

/** A Monday. */
const MONDAY = '2025-06-02';

/** `count` consecutive days from `start`, each with the orders `ordersOn(date, index)` gives. */
function days(start: string, count: number, ordersOn: (date: string, index: number) => number) {
  return Array.from({ length: count }, (_, index): DailyQualityMetrics => {
    const date = addDays(start, index);
    return { date, total_orders: ordersOn(date, index) };
  });
}

const isWeekend = (date: string) => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());
/** 100 orders on a weekday, 200 on Saturday and Sunday. */
const weekly = (date: string) => (isWeekend(date) ? 200 : 100);

describe('judgeDate', () => {
  it('judges nothing without history', () => {
    expect(judgeDate({ date: MONDAY, total_orders: 1_000_000 }, [])).toEqual([]);
  });

  it('judges a metric only from 14 history values on', () => {
    // Prepare: 13 then 14 days with a return rate of 10 % before the judged day
    const rates = (count: number) =>
      days(MONDAY, count, () => 100).map((day) => ({ ...day, return_rate: 0.1 }));

    // Act
    const judged = { date: addDays(MONDAY, 14), return_rate: 0.5 };
    const fromShort = judgeDate(judged, rates(13));
    const fromEnough = judgeDate(judged, rates(14));

    // Assess
    expect(fromShort).toEqual([]);
    expect(fromEnough.map((anomaly) => anomaly.metric)).toEqual(['return_rate']);
  });

  it('judges a volume on a weekday once it has 3 values: a bad day among 2 Mondays would set their level', () => {
    // Prepare: the second Monday sold half; two weeks give Monday 2 values, four give 4
    const outage = addDays(MONDAY, 7);
    const ordersOn = (date: string) => (date === outage ? 50 : weekly(date));
    const twoWeeks = days(MONDAY, 14, ordersOn);
    const fourWeeks = days(MONDAY, 28, ordersOn);

    // Act
    // (from 2 values the Monday level would be 75, and a good Monday of 120 beyond 75 ± 37.5)
    const afterTwo = judgeDate({ date: addDays(MONDAY, 14), total_orders: 120 }, twoWeeks);
    const afterFour = judgeDate({ date: addDays(MONDAY, 28), total_orders: 100 }, fourWeeks);
    const dropAfterFour = judgeDate({ date: addDays(MONDAY, 28), total_orders: 40 }, fourWeeks);

    // Assess: not judged after two weeks; after four the Monday level is the ordinary one
    expect(afterTwo).toEqual([]);
    expect(afterFour).toEqual([]);
    expect(dropAfterFour).toMatchObject([{ metric: 'total_orders', expected: { low: 50, high: 150 } }]);
  });

  it('judges a steady history (MAD 0) with the floor: 12.5% of the centre, so 100 ± 50', () => {
    // Prepare
    const history = days(MONDAY, 28, () => 100);
    const next = addDays(MONDAY, 28);

    // Act
    const atEdges = [50, 150].flatMap((orders) => judgeDate({ date: next, total_orders: orders }, history));
    const beyond = judgeDate({ date: next, total_orders: 151 }, history);

    // Assess
    expect(atEdges).toEqual([]);
    expect(beyond).toEqual([
      {
        scope: 'date',
        date: next,
        metric: 'total_orders',
        value: 151,
        expected: { low: 50, high: 150 },
        baseline: { n: 28, centre: 100, spread: 12.5 },
        rule: 'seasonal-mad:z>4',
      },
    ]);
  });

  it('judges a history of zeros with the absolute floor of 1 and never expects below 0', () => {
    // Prepare
    const history = days(MONDAY, 14, () => 0);
    const next = addDays(MONDAY, 14);

    // Act
    const four = judgeDate({ date: next, total_orders: 4 }, history);
    const five = judgeDate({ date: next, total_orders: 5 }, history);

    // Assess: centre 0, spread 1, range -4..4 shown from 0
    expect(four).toEqual([]);
    expect(five).toMatchObject([{ expected: { low: 0, high: 4 }, baseline: { centre: 0, spread: 1 } }]);
  });

  it('uses the scaled MAD when it is above the floor (return rate 0.10 and 0.14 in turn)', () => {
    // Prepare: median 0.12, every deviation 0.02, spread 1.4826 × 0.02 = 0.029652, z 4: ± 0.118608
    const history = Array.from(
      { length: 14 },
      (_, index): DailyQualityMetrics => ({
        date: addDays(MONDAY, index),
        return_rate: index % 2 === 0 ? 0.1 : 0.14,
      }),
    );
    const next = addDays(MONDAY, 14);

    // Act
    const inside = judgeDate({ date: next, return_rate: 0.238 }, history);
    const outside = judgeDate({ date: next, return_rate: 0.24 }, history);

    // Assess
    expect(inside).toEqual([]);
    expect(outside).toEqual([
      {
        scope: 'date',
        date: next,
        metric: 'return_rate',
        value: 0.24,
        expected: { low: 0.0014, high: 0.2386 },
        baseline: { n: 14, centre: 0.12, spread: 0.0297 },
        rule: 'mad:z>4',
      },
    ]);
  });

  it('expects each weekday at its own level: a busy Saturday is ordinary, a Monday as busy is not', () => {
    // Prepare: 4 weeks, weekends at twice the weekdays: factors 1 and 2 over a median of 100
    const history = days(MONDAY, 28, weekly);
    const saturday = addDays(MONDAY, 33);
    const monday = addDays(MONDAY, 28);

    // Act
    const busySaturday = judgeDate({ date: saturday, total_orders: 280 }, history);
    const busyMonday = judgeDate({ date: monday, total_orders: 180 }, history);
    const quietSaturday = judgeDate({ date: saturday, total_orders: 90 }, history);

    // Assess
    expect(busySaturday).toEqual([]);
    expect(busyMonday).toMatchObject([{ expected: { low: 50, high: 150 }, rule: 'seasonal-mad:z>4' }]);
    expect(quietSaturday).toMatchObject([{ expected: { low: 100, high: 300 } }]);
  });

  it('judges no volume on a weekday with fewer than 3 values, and leaves its days out of the baseline', () => {
    // Prepare: 22 days from a Monday without the first Saturday: the other two Saturdays remain
    const history = days(MONDAY, 22, weekly).filter((day) => day.date !== addDays(MONDAY, 5));
    const saturday = addDays(MONDAY, 26);
    const monday = addDays(MONDAY, 28);

    // Act
    const onSaturday = judgeDate({ date: saturday, total_orders: 1_000 }, history);
    const onMonday = judgeDate({ date: monday, total_orders: 1_000 }, history);

    // Assess: the Monday is judged from the 19 days that are not Saturdays, at the weekday level
    expect(onSaturday).toEqual([]);
    expect(onMonday).toMatchObject([{ expected: { low: 50, high: 150 }, baseline: { n: 19, centre: 100 } }]);
  });

  it('waits with the item metrics while a day of the span has orders and no items yet', () => {
    // Prepare: 28 steady days with items, then the same with one day's items still to come
    const full = days(MONDAY, 28, () => 100).map((day) => ({ ...day, total_revenue: 5_000 }));
    const partly = full.map((day, index) => (index === 20 ? { date: day.date, total_orders: 100 } : day));
    const judged = { date: addDays(MONDAY, 28), total_orders: 500, total_revenue: 50_000 };

    // Act
    const fromFull = judgeDate(judged, full);
    const fromPartly = judgeDate(judged, partly);

    // Assess: the orders are judged either way, the revenue only once every day has its items
    expect(fromFull.map((anomaly) => anomaly.metric)).toEqual(['total_orders', 'total_revenue']);
    expect(fromPartly.map((anomaly) => anomaly.metric)).toEqual(['total_orders']);
  });

  it('keeps an outage that recurs from moving its weekday: Mondays at 40 twice in 8 weeks', () => {
    // Prepare
    const outages = new Set([addDays(MONDAY, 35), addDays(MONDAY, 49)]);
    const history = days(MONDAY, 56, (date) => (outages.has(date) ? 40 : weekly(date)));
    const monday = addDays(MONDAY, 56);

    // Act
    const usual = judgeDate({ date: monday, total_orders: 100 }, history);
    const third = judgeDate({ date: monday, total_orders: 40 }, history);

    // Assess
    expect(usual).toEqual([]);
    expect(third).toMatchObject([{ metric: 'total_orders', expected: { low: 50, high: 150 } }]);
  });

  it('depends on no day more than 56 days before it, the span a re-judge covers', () => {
    // Prepare: the same recent 56 days, after an older stretch of ordinary or abnormal days
    const judged = addDays(MONDAY, 112);
    const recent = days(addDays(judged, -56), 56, weekly);
    const ordinaryBefore = days(MONDAY, 56, weekly);
    const abnormalBefore = days(MONDAY, 56, () => 1_000);

    // Act
    const verdicts = [ordinaryBefore, abnormalBefore].map((older) =>
      judgeDate({ date: judged, total_orders: 160 }, [...older, ...recent]),
    );

    // Assess: older days change nothing
    expect(dateJudgementLookbackDays()).toBe(56);
    expect(verdicts[1]).toEqual(verdicts[0]);
    expect(verdicts[0]).toMatchObject([{ metric: 'total_orders', value: 160 }]);
  });

  it('never counts the judged date, nor any later one, in its own baseline', () => {
    // Prepare: the day itself and 14 later days hold the abnormal value too
    const next = addDays(MONDAY, 21);
    const history = [...days(MONDAY, 21, () => 100), ...days(next, 15, () => 500)];

    // Act
    const anomalies = judgeDate({ date: next, total_orders: 500 }, history);

    // Assess
    expect(anomalies).toMatchObject([{ value: 500, baseline: { n: 21, centre: 100 } }]);
  });

  it('counts the dates present in the 28 days before, whatever the gaps', () => {
    // Prepare: every other day gives 14 dates in the window, every third day 10
    const judged = addDays(MONDAY, 42);
    const everyOther = days(MONDAY, 42, () => 100).filter((_, index) => index % 2 === 0);
    const everyThird = days(MONDAY, 42, () => 100).filter((_, index) => index % 3 === 0);

    // Act
    const fromOther = judgeDate({ date: judged, total_orders: 300 }, everyOther);
    const fromThird = judgeDate({ date: judged, total_orders: 300 }, everyThird);

    // Assess
    expect(fromOther).toMatchObject([{ baseline: { n: 14 } }]);
    expect(fromThird).toEqual([]);
  });

  it('gives the same verdict whatever the order of the history', () => {
    // Prepare: an uneven history of every metric
    const history = Array.from({ length: 40 }, (_, index): DailyQualityMetrics => {
      const wobble = ((index * 37) % 11) / 10;
      return {
        date: addDays(MONDAY, index),
        total_orders: Math.round(weekly(addDays(MONDAY, index)) * (0.8 + wobble / 2)),
        total_revenue: 5000 + 731 * wobble,
        total_items_sold: 200 + index,
        avg_order_value: 50 + wobble,
        return_rate: 0.08 + wobble / 50,
        unique_customers: 90 + ((index * 7) % 13),
        rejected_row_rate: wobble / 200,
      };
    });
    const day: DailyQualityMetrics = {
      date: addDays(MONDAY, 40),
      total_orders: 20,
      total_revenue: 20_000,
      total_items_sold: 240,
      avg_order_value: 51,
      return_rate: 0.3,
      unique_customers: 95,
      rejected_row_rate: 0.04,
    };
    const shuffled = history.map((entry, index) => ({ entry, key: (index * 17) % 40 }));
    shuffled.sort((a, b) => a.key - b.key);

    // Act
    const inOrder = judgeDate(day, history);
    const reversed = judgeDate(day, [...history].reverse());
    const mixed = judgeDate(
      day,
      shuffled.map(({ entry }) => entry),
    );

    // Assess
    expect(inOrder.map((anomaly) => anomaly.metric)).toEqual([
      'total_orders',
      'total_revenue',
      'return_rate',
      'rejected_row_rate',
    ]);
    expect(reversed).toEqual(inOrder);
    expect(mixed).toEqual(inOrder);
  });
});
