import { parseCents } from '../money.js';
import { parseTimestamp } from '../timestamps.js';
import type { ColumnKind, ColumnSpec, ConvertedValue } from './types.js';

/**
 * The rule expressions of `custom` quality rules (engine `storeflow`): a small SQL-like language
 * that compiles to a JavaScript closure once, at start; nothing in a contract is ever evaluated
 * as JavaScript. The grammar, in docs/contracts.md:
 *
 *   expr      := and ('or' and)*
 *   and       := not ('and' not)*
 *   not       := 'not' not | '(' expr ')' | predicate
 *   predicate := operand (op operand | 'is' ['not'] 'null' | ['not'] 'in' '(' literal, ... ')'
 *                | ['not'] 'between' operand 'and' operand | ['not'] 'matches' 'regex')
 *   operand   := column | number | 'text' | now
 *   op        := = | == | != | <> | < | <= | > | >=
 *
 * Logic is three-valued, as in SQL: a comparison with an absent (empty) value is unknown, and a
 * rule fails only when its expression is false, so `shipped_at >= created_at` passes a row with
 * no shipped_at. Money columns compare in cents (a literal `9.99` is 999 cents, exactly),
 * timestamps in epoch ms (a text literal next to a timestamp is read as one), and `now` is the
 * injected clock plus the allowed clock skew.
 */

/** Why an expression was refused: a message naming the place in the text. */
export class RuleExpressionError extends Error {
  override readonly name = 'RuleExpressionError';
}

/** A compiled expression: true, false, or undefined when unknown (an absent value compared). */
export type ExpressionFunction = (values: readonly ConvertedValue[], now: number) => boolean | undefined;

/** What compiling produced: the function and the column ordinals it reads. */
export interface CompiledExpression {
  readonly evaluate: ExpressionFunction;
  readonly reads: readonly number[];
}

type Token =
  | { readonly type: 'word'; readonly text: string; readonly at: number }
  | { readonly type: 'number'; readonly text: string; readonly at: number }
  | { readonly type: 'string'; readonly text: string; readonly at: number }
  | { readonly type: 'symbol'; readonly text: string; readonly at: number }
  | { readonly type: 'end'; readonly text: ''; readonly at: number };

const SYMBOLS = ['<=', '>=', '!=', '<>', '==', '=', '<', '>', '(', ')', ','];
const KEYWORDS = new Set(['and', 'or', 'not', 'is', 'null', 'in', 'between', 'matches', 'now']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const ch = text[at] as string;
    if (/\s/.test(ch)) {
      at += 1;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(at));
    if (word !== null) {
      tokens.push({ type: 'word', text: word[0], at });
      at += word[0].length;
      continue;
    }
    const number = /^-?[0-9]+(?:\.[0-9]+)?/.exec(text.slice(at));
    if (number !== null) {
      tokens.push({ type: 'number', text: number[0], at });
      at += number[0].length;
      continue;
    }
    if (ch === "'") {
      let value = '';
      let end = at + 1;
      for (;;) {
        if (end >= text.length) throw new RuleExpressionError(`text starting at ${at + 1} is never closed`);
        if (text[end] === "'") {
          if (text[end + 1] === "'") {
            value += "'";
            end += 2;
            continue;
          }
          break;
        }
        value += text[end];
        end += 1;
      }
      tokens.push({ type: 'string', text: value, at });
      at = end + 1;
      continue;
    }
    const symbol = SYMBOLS.find((candidate) => text.startsWith(candidate, at));
    if (symbol === undefined) throw new RuleExpressionError(`unexpected '${ch}' at ${at + 1}`);
    tokens.push({ type: 'symbol', text: symbol, at });
    at += symbol.length;
  }
  tokens.push({ type: 'end', text: '', at });
  return tokens;
}

/** The type of a value an operand yields. */
type ValueType = 'number' | 'money' | 'string' | 'timestamp';

interface Operand {
  /** Undefined for a literal, whose type follows the other side. */
  readonly type: ValueType | undefined;
  /** A column whose values are kept in lower case: text literals compared with it are lowered too. */
  readonly lowerCase?: boolean;
  readonly literal?: { readonly kind: 'number' | 'string'; readonly text: string };
  readonly read: (values: readonly ConvertedValue[], now: number) => ConvertedValue;
}

const TYPE_OF_KIND: Record<ColumnKind, ValueType> = {
  integer: 'number',
  decimal: 'number',
  money: 'money',
  string: 'string',
  enum: 'string',
  timestamp: 'timestamp',
};

class Parser {
  readonly #tokens: Token[];
  readonly #columns: readonly ColumnSpec[];
  readonly #reads = new Set<number>();
  #next = 0;

  constructor(text: string, columns: readonly ColumnSpec[]) {
    this.#tokens = tokenize(text);
    this.#columns = columns;
  }

  compile(): CompiledExpression {
    const evaluate = this.#or();
    const rest = this.#peek();
    if (rest.type !== 'end') throw new RuleExpressionError(`unexpected '${rest.text}' at ${rest.at + 1}`);
    return { evaluate, reads: [...this.#reads].sort((a, b) => a - b) };
  }

  #peek(): Token {
    return this.#tokens[this.#next] as Token;
  }

  #take(): Token {
    const token = this.#peek();
    if (token.type !== 'end') this.#next += 1;
    return token;
  }

  #isWord(word: string, offset = 0): boolean {
    const token = this.#tokens[this.#next + offset];
    return token?.type === 'word' && token.text.toLowerCase() === word;
  }

  #expectWord(word: string): void {
    const token = this.#take();
    if (!(token.type === 'word' && token.text.toLowerCase() === word))
      throw new RuleExpressionError(
        `expected '${word}' at ${token.at + 1}, found '${token.text || 'the end'}'`,
      );
  }

  #expectSymbol(symbol: string): void {
    const token = this.#take();
    if (!(token.type === 'symbol' && token.text === symbol))
      throw new RuleExpressionError(
        `expected '${symbol}' at ${token.at + 1}, found '${token.text || 'the end'}'`,
      );
  }

  #or(): ExpressionFunction {
    let left = this.#and();
    while (this.#isWord('or')) {
      this.#take();
      const a = left;
      const b = this.#and();
      left = (values, now) => {
        const x = a(values, now);
        if (x === true) return true;
        const y = b(values, now);
        if (y === true) return true;
        return x === undefined || y === undefined ? undefined : false;
      };
    }
    return left;
  }

  #and(): ExpressionFunction {
    let left = this.#not();
    while (this.#isWord('and')) {
      this.#take();
      const a = left;
      const b = this.#not();
      left = (values, now) => {
        const x = a(values, now);
        if (x === false) return false;
        const y = b(values, now);
        if (y === false) return false;
        return x === undefined || y === undefined ? undefined : true;
      };
    }
    return left;
  }

  #not(): ExpressionFunction {
    if (this.#isWord('not')) {
      this.#take();
      const inner = this.#not();
      return (values, now) => {
        const x = inner(values, now);
        return x === undefined ? undefined : !x;
      };
    }
    const token = this.#peek();
    if (token.type === 'symbol' && token.text === '(') {
      this.#take();
      const inner = this.#or();
      this.#expectSymbol(')');
      return inner;
    }
    return this.#predicate();
  }

  #predicate(): ExpressionFunction {
    const left = this.#operand();
    const token = this.#peek();
    if (token.type === 'symbol' && ['=', '==', '!=', '<>', '<', '<=', '>', '>='].includes(token.text)) {
      this.#take();
      const right = this.#operand();
      return comparison(token.text, ...unify(left, right, token.at));
    }
    if (this.#isWord('is')) {
      const is = this.#take();
      // A literal reads as undefined (it takes its value from the other side of a comparison),
      // so `'x' is null` would hold for every row.
      if (left.literal !== undefined)
        throw new RuleExpressionError(`'is null' applies to a column or now (at ${is.at + 1})`);
      const negated = this.#isWord('not');
      if (negated) this.#take();
      this.#expectWord('null');
      return negated
        ? (values, now) => left.read(values, now) !== undefined
        : (values, now) => left.read(values, now) === undefined;
    }
    const negated = this.#isWord('not');
    if (negated) this.#take();
    const test = this.#membership(left);
    return negated
      ? (values, now) => {
          const x = test(values, now);
          return x === undefined ? undefined : !x;
        }
      : test;
  }

  #membership(left: Operand): ExpressionFunction {
    const token = this.#take();
    const word = token.type === 'word' ? token.text.toLowerCase() : '';
    if (word === 'in') {
      this.#expectSymbol('(');
      const members: ConvertedValue[] = [];
      for (;;) {
        const member = this.#operand();
        if (member.literal === undefined)
          throw new RuleExpressionError(`'in' lists literals only (at ${token.at + 1})`);
        members.push(unify(left, member, token.at)[1].read([], 0));
        const separator = this.#take();
        if (separator.type === 'symbol' && separator.text === ')') break;
        if (!(separator.type === 'symbol' && separator.text === ','))
          throw new RuleExpressionError(`expected ',' or ')' at ${separator.at + 1}`);
      }
      const set = new Set(members);
      return (values, now) => {
        const value = left.read(values, now);
        return value === undefined ? undefined : set.has(value);
      };
    }
    if (word === 'between') {
      const low = this.#operand();
      this.#expectWord('and');
      const high = this.#operand();
      const atLeast = comparison('>=', ...unify(left, low, token.at));
      const atMost = comparison('<=', ...unify(left, high, token.at));
      return (values, now) => {
        const x = atLeast(values, now);
        const y = atMost(values, now);
        if (x === false || y === false) return false;
        return x === undefined || y === undefined ? undefined : true;
      };
    }
    if (word === 'matches') {
      const pattern = this.#take();
      if (pattern.type !== 'string')
        throw new RuleExpressionError(`'matches' takes a quoted regular expression (at ${pattern.at + 1})`);
      if (left.type !== 'string')
        throw new RuleExpressionError(`'matches' applies to text columns (at ${token.at + 1})`);
      let regex: RegExp;
      try {
        regex = new RegExp(pattern.text, 'u');
      } catch (error) {
        throw new RuleExpressionError(`'${pattern.text}' is not a valid regular expression`, {
          cause: error,
        });
      }
      return (values, now) => {
        const value = left.read(values, now);
        return value === undefined ? undefined : regex.test(String(value));
      };
    }
    throw new RuleExpressionError(
      `expected a comparison, 'is null', 'in', 'between' or 'matches' at ${token.at + 1}, found '${token.text || 'the end'}'`,
    );
  }

  #operand(): Operand {
    const token = this.#take();
    if (token.type === 'number' || token.type === 'string') {
      const literal = { kind: token.type, text: token.text } as const;
      return { type: undefined, literal, read: () => undefined };
    }
    if (token.type === 'word' && token.text.toLowerCase() === 'now')
      return { type: 'timestamp', read: (_values, now) => now };
    if (token.type === 'word' && !KEYWORDS.has(token.text.toLowerCase())) {
      const ordinal = this.#columns.findIndex((column) => column.name === token.text);
      if (ordinal < 0) throw new RuleExpressionError(`unknown column '${token.text}' at ${token.at + 1}`);
      this.#reads.add(ordinal);
      const column = this.#columns[ordinal] as ColumnSpec;
      return {
        type: TYPE_OF_KIND[column.kind],
        lowerCase: column.caseInsensitive,
        read: (values) => values[ordinal],
      };
    }
    throw new RuleExpressionError(
      `expected a column, a literal or now at ${token.at + 1}, found '${token.text || 'the end'}'`,
    );
  }
}

/** Gives a literal the type of the other side, converting it once: money to cents, text to epoch ms. */
function unify(left: Operand, right: Operand, at: number): [Operand, Operand] {
  if (left.literal !== undefined && right.literal !== undefined)
    throw new RuleExpressionError(`compares two literals at ${at + 1}`);
  if (left.literal !== undefined) return unify(right, left, at).reverse() as [Operand, Operand];
  if (right.literal === undefined) {
    if (left.type !== right.type)
      throw new RuleExpressionError(`compares a ${left.type} with a ${right.type} at ${at + 1}`);
    return [left, right];
  }
  const value = literalValue(left.type as ValueType, right.literal, at, left.lowerCase === true);
  return [left, { type: left.type, read: () => value }];
}

function literalValue(
  type: ValueType,
  literal: { readonly kind: 'number' | 'string'; readonly text: string },
  at: number,
  lowerCase: boolean,
): number | string {
  if (type === 'string') {
    if (literal.kind !== 'string') throw new RuleExpressionError(`compares text with a number at ${at + 1}`);
    return lowerCase ? literal.text.toLowerCase() : literal.text;
  }
  if (type === 'timestamp') {
    const ms = literal.kind === 'string' ? parseTimestamp(literal.text) : undefined;
    if (ms === undefined)
      throw new RuleExpressionError(`'${literal.text}' is not a timestamp (near ${at + 1})`);
    return ms;
  }
  if (literal.kind !== 'number') throw new RuleExpressionError(`compares a number with text at ${at + 1}`);
  if (type === 'money') {
    const cents = parseCents(literal.text);
    if (typeof cents === 'string')
      throw new RuleExpressionError(`'${literal.text}' is not an amount of money in cents (near ${at + 1})`);
    return cents;
  }
  return Number(literal.text);
}

function comparison(operator: string, left: Operand, right: Operand): ExpressionFunction {
  const test = COMPARE[operator] as (a: number | string, b: number | string) => boolean;
  return (values, now) => {
    const a = left.read(values, now);
    if (a === undefined) return undefined;
    const b = right.read(values, now);
    if (b === undefined) return undefined;
    return test(a, b);
  };
}

const COMPARE: Record<string, (a: number | string, b: number | string) => boolean> = {
  '=': (a, b) => a === b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '<>': (a, b) => a !== b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

/**
 * Compiles a rule expression against a dataset's columns.
 *
 * @throws RuleExpressionError when the text does not parse, names an unknown column or compares
 *   values of different types; the contract reader reports it as RULE_EXPRESSION_INVALID
 * @example
 * const { evaluate, reads } = compileRuleExpression('cost <= retail_price', columns);
 * evaluate([1, 'ABC-00000001', 500, ...], now); // true when cost <= retail_price, in cents
 */
export function compileRuleExpression(text: string, columns: readonly ColumnSpec[]): CompiledExpression {
  return new Parser(text, columns).compile();
}
