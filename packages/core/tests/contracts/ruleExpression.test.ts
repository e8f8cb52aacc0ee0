import {
  type ColumnSpec,
  type ConvertedValue,
  compileRuleExpression,
  RuleExpressionError,
} from '../../src/index.js';
import { contractOf } from '../helpers/contracts.js';

// Real columns of the shipped contracts, in their ordinal order:
// orders: order_id, user_id, status, created_at, num_of_item, returned_at, shipped_at, delivered_at, gender
// products: id, sku, cost, category, name, brand, retail_price, department, distribution_center_id
const ORDERS = contractOf('orders').columns;
const PRODUCTS = contractOf('products').columns;

const MARCH_8_10H = Date.UTC(2025, 2, 8, 10, 0, 0);

/** Compiles `text` against `columns` and evaluates it on a row given by logical column name. */
function evaluate(
  text: string,
  columns: readonly ColumnSpec[],
  row: Readonly<Record<string, ConvertedValue>>,
  now = 0,
): boolean | undefined {
  const values = columns.map((column) => row[column.name]);
  return compileRuleExpression(text, columns).evaluate(values, now);
}

describe('compileRuleExpression: comparisons', () => {
  it.each([
    ['num_of_item = 2', true],
    ['num_of_item == 2', true],
    ['num_of_item != 2', false],
    ['num_of_item <> 3', true],
    ['num_of_item < 3', true],
    ['num_of_item < 2', false],
    ['num_of_item <= 2', true],
    ['num_of_item > 2', false],
    ['num_of_item >= 3', false],
    ['3 > num_of_item', true],
    ['2 < num_of_item', false],
    ['user_id > order_id', true],
    ["status = 'returned'", true],
    ["status != 'returned'", false],
    ["gender < 'M'", true],
  ])('%s is %p', (text, expected) => {
    // Prepare
    const row = { order_id: 1, user_id: 9116, status: 'returned', num_of_item: 2, gender: 'F' };
    // Act
    const result = evaluate(text, ORDERS, row);
    // Assess
    expect(result).toBe(expected);
  });

  it.each([
    ['cost <= 9.99', 999, true],
    ['cost <= 9.99', 1_000, false],
    ['cost = 9.9', 990, true],
    ['cost = 10', 1_000, true],
    ['cost > 0', 1, true],
    ['cost <= retail_price', 5_395, true],
    ['cost <= retail_price', 5_396, false],
  ])('reads a money literal in cents: %s with cost %p cents is %p', (text, cost, expected) => {
    // Prepare: retail_price 53.95
    const row = { cost, retail_price: 5_395 };
    // Act
    const result = evaluate(text, PRODUCTS, row);
    // Assess
    expect(result).toBe(expected);
  });

  it.each([
    ["created_at >= '2025-03-08T10:00:00Z'", MARCH_8_10H, true],
    ["created_at >= '2025-03-08T10:00:00Z'", MARCH_8_10H - 1, false],
    ["created_at = '2025-03-08T12:00:00+02:00'", MARCH_8_10H, true],
    ["created_at < '2025-03-08 10:00:00'", MARCH_8_10H, false],
    ["'2025-03-08 10:00:01' > created_at", MARCH_8_10H, true],
  ])(
    'reads a text literal next to a timestamp as an instant: %s at %p is %p',
    (text, createdAt, expected) => {
      // Prepare
      const row = { created_at: createdAt };
      // Act
      const result = evaluate(text, ORDERS, row);
      // Assess
      expect(result).toBe(expected);
    },
  );

  it.each([
    ['created_at <= now', 0, true],
    ['created_at <= now', 1, false],
    ['now >= created_at', 1, false],
    ['now > created_at', -1, true],
  ])('compares with the injected now: %s with created_at at now + %d ms is %p', (text, offset, expected) => {
    // Prepare
    const row = { created_at: MARCH_8_10H + offset };
    // Act
    const result = evaluate(text, ORDERS, row, MARCH_8_10H);
    // Assess
    expect(result).toBe(expected);
  });
});

describe('compileRuleExpression: predicates', () => {
  it.each([
    ['shipped_at is null', undefined, true],
    ['shipped_at is null', 5, false],
    ['shipped_at is not null', undefined, false],
    ['shipped_at is not null', 5, true],
    ['shipped_at IS NOT NULL', 5, true],
  ])('%s with shipped_at %p is %p', (text, shippedAt, expected) => {
    // Prepare
    const row = { shipped_at: shippedAt };
    // Act
    const result = evaluate(text, ORDERS, row);
    // Assess
    expect(result).toBe(expected);
  });

  it.each([
    ["status in ('returned', 'cancelled')", 'cancelled', true],
    ["status in ('returned', 'cancelled')", 'pending', false],
    ["status in ('returned', 'cancelled')", undefined, undefined],
    ["status not in ('returned', 'cancelled')", 'pending', true],
    ["status not in ('returned', 'cancelled')", 'returned', false],
    ["status not in ('returned', 'cancelled')", undefined, undefined],
  ])('%s with status %p is %p', (text, status, expected) => {
    // Prepare
    const row = { status };
    // Act
    const result = evaluate(text, ORDERS, row);
    // Assess
    expect(result).toBe(expected);
  });

  it.each([
    ['num_of_item in (1, 2, 3)', 3, true],
    ['num_of_item in (1, 2, 3)', 4, false],
    ['num_of_item between 2 and 4', 2, true],
    ['num_of_item between 2 and 4', 4, true],
    ['num_of_item between 2 and 4', 1, false],
    ['num_of_item between 2 and 4', 5, false],
    ['num_of_item between 2 and 4', undefined, undefined],
    ['num_of_item not between 2 and 4', 1, true],
    ['num_of_item not between 2 and 4', 3, false],
    ['num_of_item not between 2 and 4', undefined, undefined],
  ])('%s with num_of_item %p is %p', (text, numOfItem, expected) => {
    // Prepare
    const row = { num_of_item: numOfItem };
    // Act
    const result = evaluate(text, ORDERS, row);
    // Assess
    expect(result).toBe(expected);
  });

  it.each([
    ['cost in (9.99, 10)', 1_000, true],
    ['cost between 0 and 9.99', 999, true],
    ['cost between 0 and 9.99', 1_000, false],
  ])('reads money literals of %s in cents: cost %p cents is %p', (text, cost, expected) => {
    // Prepare
    const row = { cost };
    // Act
    const result = evaluate(text, PRODUCTS, row);
    // Assess
    expect(result).toBe(expected);
  });

  it.each([
    ["gender matches '^[FM]$'", 'F', true],
    ["gender matches '^[FM]$'", 'X', false],
    ["gender matches '^[FM]$'", undefined, undefined],
    ["gender not matches '^[FM]$'", 'X', true],
    ["gender not matches '^[FM]$'", 'M', false],
    // A pattern is not anchored unless it says so.
    ["gender matches 'e'", 'female', true],
  ])('%s with gender %p is %p', (text, gender, expected) => {
    // Prepare
    const row = { gender };
    // Act
    const result = evaluate(text, ORDERS, row);
    // Assess
    expect(result).toBe(expected);
  });

  it("reads '' inside a text literal as one quote", () => {
    // Prepare
    const row = { gender: "o'brien" };
    // Act
    const result = evaluate("gender = 'o''brien'", ORDERS, row);
    // Assess
    expect(result).toBe(true);
  });
});

describe('compileRuleExpression: three-valued logic', () => {
  // Prepare (shared): on the row below, T is true, F is false and U is unknown (shipped_at absent)
  const row = { num_of_item: 1, created_at: 1_000, shipped_at: undefined };
  const T = 'num_of_item = 1';
  const F = 'num_of_item = 2';
  const U = 'shipped_at >= created_at';

  it.each([
    [U, undefined],
    [`${F} or ${U}`, undefined],
    [`${U} or ${F}`, undefined],
    [`${T} or ${U}`, true],
    [`${U} or ${T}`, true],
    [`${F} or ${F}`, false],
    [`${F} and ${U}`, false],
    [`${U} and ${F}`, false],
    [`${T} and ${U}`, undefined],
    [`${T} and ${T}`, true],
    [`not ${U}`, undefined],
    [`not ${T}`, false],
    [`not ${F}`, true],
    [`not not ${T}`, true],
  ])('%s is %p', (text, expected) => {
    // Prepare: the row above
    // Act
    const result = evaluate(text, ORDERS, row);
    // Assess
    expect(result).toBe(expected);
  });

  it.each([
    // and binds tighter than or: T or (F and F)
    [`${T} or ${F} and ${F}`, true],
    [`(${T} or ${F}) and ${F}`, false],
    // not binds tighter than and: (not F) and F
    [`not ${F} and ${F}`, false],
    [`not (${F} and ${F})`, true],
  ])('groups %s as SQL does: %p', (text, expected) => {
    // Prepare: the row above
    // Act
    const result = evaluate(text, ORDERS, row);
    // Assess
    expect(result).toBe(expected);
  });

  it('lets a contract rule pass when its expression is unknown, as an SQL CHECK does', () => {
    // Prepare: orders' `shipped_at >= created_at`, on an order not shipped yet
    const rule = contractOf('orders').rules.find((candidate) => candidate.code === 'SHIPPED_BEFORE_CREATED');
    const values = ORDERS.map((column) => (column.name === 'created_at' ? 1_000 : undefined));
    // Act
    const passes = rule?.check(values, 0);
    // Assess
    expect(passes).toBe(true);
  });
});

describe('compileRuleExpression: reads', () => {
  it.each([
    ['cost <= retail_price', PRODUCTS, [2, 6]],
    ['retail_price >= cost', PRODUCTS, [2, 6]],
    ["status = 'returned' or returned_at is null", ORDERS, [2, 5]],
    ['created_at <= now', ORDERS, [3]],
  ])('%s reads the ordinals %p', (text, columns, expected) => {
    // Prepare: the inputs are the table rows
    // Act
    const { reads } = compileRuleExpression(text, columns);
    // Assess
    expect(reads).toEqual(expected);
  });
});

describe('compileRuleExpression: refused expressions', () => {
  it.each([
    ['an unknown column', 'cost <= nope', PRODUCTS],
    ['two literals compared', '1 = 1', ORDERS],
    ['text compared with a number', 'status = 1', ORDERS],
    ['a number compared with text', "num_of_item = '1'", ORDERS],
    ['money compared with text', "cost <= '9.99'", PRODUCTS],
    ['columns of different types', 'num_of_item <= created_at', ORDERS],
    ['a money literal finer than a cent', 'cost <= 9.999', PRODUCTS],
    ['a text literal that is not a timestamp', "created_at > 'soon'", ORDERS],
    ['a bad regular expression', "gender matches '['", ORDERS],
    ['matches on a column that is not text', "num_of_item matches '1'", ORDERS],
    ['a column in an in list', 'order_id in (user_id)', ORDERS],
    ["'is null' on a literal", "'x' is null", ORDERS],
    ['an unclosed quote', "status = 'returned", ORDERS],
    ['an unclosed parenthesis', '(num_of_item > 1', ORDERS],
    ['a missing operand', 'num_of_item >', ORDERS],
    ['a column without a predicate', 'num_of_item', ORDERS],
    ['trailing tokens', 'num_of_item > 1 2', ORDERS],
    ['an unexpected character', 'num_of_item > 1;', ORDERS],
    ['an empty expression', '', ORDERS],
    ['an expression of spaces', '   ', ORDERS],
  ])('refuses %s: %j', (_label, text, columns) => {
    // Prepare: the inputs are the table rows
    // Act
    const act = () => compileRuleExpression(text, columns);
    // Assess
    expect(act).toThrow(RuleExpressionError);
  });

  it('names the unknown column', () => {
    // Prepare
    const text = 'cost <= retail_prize';
    // Act
    const act = () => compileRuleExpression(text, PRODUCTS);
    // Assess
    expect(act).toThrow(/retail_prize/);
  });
});
