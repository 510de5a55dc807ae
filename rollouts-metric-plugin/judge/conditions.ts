// successCondition / failureCondition: a documented subset of the expr language (antonmedv/expr v1.15, which Argo
// Rollouts uses), evaluated over the judge's result, with Argo's EvaluateResult semantics. Hand-written because
// no JavaScript package implements expr's grammar; the subset is small and fully tested.
//
// Supported: literals (numbers with `_`, 'single'/"double" strings, true, false, nil, [arrays]); member access
// `a.b`, optional `a?.b`, index `a[0]`, `a["k"]`; unary `not`, `!`, `-`, `+`; `**`/`^`, `*`, `/`, `%`, `+`, `-`;
// `==`, `!=`, `<`, `<=`, `>`, `>=`, `in`, `not in`, `contains`, `startsWith`, `endsWith`; `and`/`&&`, `or`/`||`;
// `??`; `cond ? a : b`; functions len, isNaN, isInf, isNil, default, asInt, asFloat, abs, min, max.
// Precedences follow expr v1.15's operator table.

export type ConditionValue = null | boolean | number | string | readonly ConditionValue[] | { readonly [k: string]: ConditionValue };

export class ConditionError extends Error {
  constructor(
    message: string,
    readonly expression: string,
    readonly position?: number,
  ) {
    super(position === undefined ? `${message} in "${expression}"` : `${message} at position ${position + 1} in "${expression}"`);
    this.name = 'ConditionError';
  }
}

type Token =
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'ident'; value: string; pos: number }
  | { kind: 'op'; value: string; pos: number }
  | { kind: 'eof'; pos: number };

const OPERATORS = ['not in', '?.', '??', '**', '==', '!=', '<=', '>=', '&&', '||', '..', '+', '-', '*', '/', '%', '^', '<', '>', '!', '(', ')', '[', ']', ',', '.', '?', ':'];
const WORD_OPERATORS = new Set(['and', 'or', 'not', 'in', 'contains', 'startsWith', 'endsWith', 'matches']);

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(?:0[xX][0-9a-fA-F_]+|[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9_]+(?:[eE][+-]?[0-9]+)?)/.exec(src.slice(i));
      const text = (m as RegExpExecArray)[0];
      const clean = text.replace(/_/g, '');
      out.push({ kind: 'number', value: clean.startsWith('0x') || clean.startsWith('0X') ? Number.parseInt(clean, 16) : Number(clean), pos: i });
      i += text.length;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      let value = '';
      while (j < src.length && src[j] !== ch) {
        if (src[j] === '\\') {
          const esc = src[j + 1];
          const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" };
          if (esc === undefined || !(esc in map)) throw new ConditionError(`unknown escape \\${esc ?? ''}`, src, j);
          value += map[esc];
          j += 2;
        } else {
          value += src[j];
          j++;
        }
      }
      if (j >= src.length) throw new ConditionError('unterminated string', src, i);
      out.push({ kind: 'string', value, pos: i });
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_$]/.test(ch)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(src.slice(i)) as RegExpExecArray;
      const word = m[0];
      // `not in` is one operator
      const rest = /^\s+in\b/.exec(src.slice(i + word.length));
      if (word === 'not' && rest) {
        out.push({ kind: 'op', value: 'not in', pos: i });
        i += word.length + rest[0].length;
        continue;
      }
      out.push(WORD_OPERATORS.has(word) ? { kind: 'op', value: word, pos: i } : { kind: 'ident', value: word, pos: i });
      i += word.length;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (!op) throw new ConditionError(`unexpected character "${ch}"`, src, i);
    out.push({ kind: 'op', value: op, pos: i });
    i += op.length;
  }
  out.push({ kind: 'eof', pos: src.length });
  return out;
}

type Node =
  | { t: 'lit'; v: ConditionValue; pos: number }
  | { t: 'name'; name: string; pos: number }
  | { t: 'array'; items: Node[]; pos: number }
  | { t: 'member'; obj: Node; prop: Node; optional: boolean; pos: number }
  | { t: 'call'; fn: string; args: Node[]; pos: number }
  | { t: 'unary'; op: string; arg: Node; pos: number }
  | { t: 'binary'; op: string; left: Node; right: Node; pos: number }
  | { t: 'cond'; test: Node; then: Node; else: Node; pos: number };

const BINARY: Record<string, { prec: number; right?: boolean }> = {
  or: { prec: 10 }, '||': { prec: 10 },
  and: { prec: 15 }, '&&': { prec: 15 },
  '==': { prec: 20 }, '!=': { prec: 20 }, '<': { prec: 20 }, '>': { prec: 20 }, '<=': { prec: 20 }, '>=': { prec: 20 },
  in: { prec: 20 }, 'not in': { prec: 20 }, matches: { prec: 20 }, contains: { prec: 20 }, startsWith: { prec: 20 }, endsWith: { prec: 20 },
  '+': { prec: 30 }, '-': { prec: 30 },
  '*': { prec: 60 }, '/': { prec: 60 }, '%': { prec: 60 },
  '**': { prec: 100, right: true }, '^': { prec: 100, right: true },
  '??': { prec: 500 },
};
const UNARY: Record<string, number> = { not: 50, '!': 50, '-': 90, '+': 90 };

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly src: string,
  ) {}

  parse(): Node {
    const node = this.expression(0);
    const t = this.peek();
    if (t.kind !== 'eof') throw new ConditionError(`unexpected ${describe(t)}`, this.src, t.pos);
    return node;
  }

  private peek(): Token {
    return this.tokens[this.i] as Token;
  }
  private next(): Token {
    return this.tokens[this.i++] as Token;
  }
  private expectOp(op: string): void {
    const t = this.next();
    if (t.kind !== 'op' || t.value !== op) throw new ConditionError(`expected "${op}" but found ${describe(t)}`, this.src, t.pos);
  }
  /** Comma-separated expressions up to and including `close` (call arguments, array items); may be empty. */
  private list(close: ')' | ']'): Node[] {
    const items: Node[] = [];
    const at = (op: string): boolean => {
      const p = this.peek();
      return p.kind === 'op' && p.value === op;
    };
    if (!at(close)) {
      items.push(this.expression(0));
      while (at(',')) {
        this.next();
        items.push(this.expression(0));
      }
    }
    this.expectOp(close);
    return items;
  }

  private expression(minPrec: number): Node {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op') break;
      if (t.value === '?' && minPrec === 0) {
        this.next();
        const then = this.expression(0);
        this.expectOp(':');
        const otherwise = this.expression(0);
        left = { t: 'cond', test: left, then, else: otherwise, pos: t.pos };
        continue;
      }
      const info = BINARY[t.value];
      if (!info || info.prec < minPrec || (info.prec === minPrec && !info.right)) break;
      if (t.value === 'matches') throw new ConditionError('"matches" is not supported', this.src, t.pos);
      this.next();
      const right = this.expression(info.right ? info.prec : info.prec + 1);
      left = { t: 'binary', op: t.value, left, right, pos: t.pos };
    }
    return left;
  }

  private unary(): Node {
    const t = this.peek();
    if (t.kind === 'op' && t.value in UNARY) {
      this.next();
      const arg = this.expression(UNARY[t.value] as number);
      return { t: 'unary', op: t.value, arg, pos: t.pos };
    }
    return this.postfix(this.primary());
  }

  private primary(): Node {
    const t = this.next();
    switch (t.kind) {
      case 'number':
      case 'string':
        return { t: 'lit', v: t.value, pos: t.pos };
      case 'ident': {
        if (t.value === 'true' || t.value === 'false') return { t: 'lit', v: t.value === 'true', pos: t.pos };
        if (t.value === 'nil') return { t: 'lit', v: null, pos: t.pos };
        const p = this.peek();
        if (p.kind === 'op' && p.value === '(') {
          this.next();
          return { t: 'call', fn: t.value, args: this.list(')'), pos: t.pos };
        }
        return { t: 'name', name: t.value, pos: t.pos };
      }
      case 'op':
        if (t.value === '(') {
          const inner = this.expression(0);
          this.expectOp(')');
          return inner;
        }
        if (t.value === '[') return { t: 'array', items: this.list(']'), pos: t.pos };
        throw new ConditionError(`unexpected ${describe(t)}`, this.src, t.pos);
      case 'eof':
        throw new ConditionError('unexpected end of expression', this.src, t.pos);
    }
  }

  private postfix(node: Node): Node {
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op') return node;
      if (t.value === '.' || t.value === '?.') {
        this.next();
        const name = this.next();
        if (name.kind !== 'ident' && !(name.kind === 'op' && WORD_OPERATORS.has(name.value))) {
          throw new ConditionError(`expected a field name after "${t.value}"`, this.src, name.pos);
        }
        node = { t: 'member', obj: node, prop: { t: 'lit', v: (name as { value: string }).value, pos: name.pos }, optional: t.value === '?.', pos: t.pos };
      } else if (t.value === '[') {
        this.next();
        const prop = this.expression(0);
        this.expectOp(']');
        node = { t: 'member', obj: node, prop, optional: false, pos: t.pos };
      } else {
        return node;
      }
    }
  }
}

function describe(t: Token): string {
  return t.kind === 'eof' ? 'end of expression' : t.kind === 'string' ? `string "${t.value}"` : `"${String(t.value)}"`;
}

function typeName(v: ConditionValue): string {
  if (v === null) return 'nil';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'map' : typeof v === 'number' ? 'float64' : typeof v;
}

function isNilValue(v: ConditionValue | undefined): boolean {
  return v === null || v === undefined;
}

function isZero(v: ConditionValue): boolean {
  if (v === null) return true;
  if (typeof v === 'number') return v === 0;
  if (typeof v === 'string') return v === '';
  if (typeof v === 'boolean') return !v;
  return Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;
}

/** A compiled condition; evaluate it against an environment (`{ result }`). */
export interface CompiledCondition {
  readonly source: string;
  evaluate(env: Readonly<Record<string, ConditionValue>>): ConditionValue;
}

export function compileCondition(source: string): CompiledCondition {
  if (source.trim() === '') throw new ConditionError('empty expression', source);
  const ast = new Parser(tokenize(source), source).parse();
  return { source, evaluate: (env) => evaluateNode(ast, env, source) };
}

function num(v: ConditionValue, op: string, src: string, pos: number): number {
  if (typeof v !== 'number') throw new ConditionError(`invalid operation: ${op} on ${typeName(v)}`, src, pos);
  return v;
}

function evaluateNode(n: Node, env: Readonly<Record<string, ConditionValue>>, src: string): ConditionValue {
  const ev = (x: Node): ConditionValue => evaluateNode(x, env, src);
  switch (n.t) {
    case 'lit':
      return n.v;
    case 'name':
      if (!Object.prototype.hasOwnProperty.call(env, n.name)) throw new ConditionError(`unknown name ${n.name}`, src, n.pos);
      return env[n.name] as ConditionValue;
    case 'array':
      return n.items.map(ev);
    case 'member': {
      const obj = ev(n.obj);
      if (obj === null) {
        if (n.optional) return null;
        throw new ConditionError('cannot fetch a field from nil', src, n.pos);
      }
      const key = ev(n.prop);
      if (Array.isArray(obj)) {
        if (typeof key !== 'number' || !Number.isInteger(key)) throw new ConditionError(`array index must be an integer, got ${typeName(key)}`, src, n.pos);
        const idx = key < 0 ? obj.length + key : key;
        if (idx < 0 || idx >= obj.length) throw new ConditionError(`index out of range: ${key} (array of length ${obj.length})`, src, n.pos);
        return obj[idx] as ConditionValue;
      }
      if (typeof obj === 'object') {
        if (typeof key !== 'string') throw new ConditionError(`map key must be a string, got ${typeName(key)}`, src, n.pos);
        // a missing map key is nil, as in expr for map[string]interface{}
        return Object.prototype.hasOwnProperty.call(obj, key) ? ((obj as Record<string, ConditionValue>)[key] as ConditionValue) : null;
      }
      throw new ConditionError(`cannot fetch ${String(key)} from ${typeName(obj)}`, src, n.pos);
    }
    case 'call':
      return callFunction(n.fn, n.args.map(ev), src, n.pos);
    case 'unary': {
      const v = ev(n.arg);
      if (n.op === 'not' || n.op === '!') {
        if (typeof v !== 'boolean') throw new ConditionError(`invalid operation: ${n.op} ${typeName(v)}`, src, n.pos);
        return !v;
      }
      const x = num(v, n.op, src, n.pos);
      return n.op === '-' ? -x : x;
    }
    case 'cond': {
      const test = ev(n.test);
      if (typeof test !== 'boolean') throw new ConditionError(`non-bool ${typeName(test)} used as condition`, src, n.pos);
      return test ? ev(n.then) : ev(n.else);
    }
    case 'binary':
      return binary(n, ev, src);
  }
}

function binary(n: Extract<Node, { t: 'binary' }>, ev: (x: Node) => ConditionValue, src: string): ConditionValue {
  const { op, pos } = n;
  if (op === 'and' || op === '&&' || op === 'or' || op === '||') {
    const l = ev(n.left);
    if (typeof l !== 'boolean') throw new ConditionError(`invalid operation: ${op} on ${typeName(l)}`, src, pos);
    if ((op === 'and' || op === '&&') && !l) return false;
    if ((op === 'or' || op === '||') && l) return true;
    const r = ev(n.right);
    if (typeof r !== 'boolean') throw new ConditionError(`invalid operation: ${op} on ${typeName(r)}`, src, pos);
    return r;
  }
  if (op === '??') {
    const l = ev(n.left);
    return l === null ? ev(n.right) : l;
  }
  const l = ev(n.left);
  const r = ev(n.right);
  switch (op) {
    case '==':
      return deepEqual(l, r);
    case '!=':
      return !deepEqual(l, r);
    case '<':
    case '>':
    case '<=':
    case '>=': {
      if (!((typeof l === 'number' && typeof r === 'number') || (typeof l === 'string' && typeof r === 'string'))) {
        throw new ConditionError(`invalid operation: ${typeName(l)} ${op} ${typeName(r)}`, src, pos);
      }
      return op === '<' ? l < r : op === '>' ? l > r : op === '<=' ? l <= r : l >= r;
    }
    case 'in':
    case 'not in': {
      let found: boolean;
      if (Array.isArray(r)) found = r.some((x) => deepEqual(x, l));
      else if (r !== null && typeof r === 'object') found = typeof l === 'string' && Object.prototype.hasOwnProperty.call(r, l);
      else throw new ConditionError(`invalid operation: in on ${typeName(r)}`, src, pos);
      return op === 'in' ? found : !found;
    }
    case 'contains':
    case 'startsWith':
    case 'endsWith': {
      if (typeof l !== 'string' || typeof r !== 'string') throw new ConditionError(`invalid operation: ${op} on ${typeName(l)} and ${typeName(r)}`, src, pos);
      return op === 'contains' ? l.includes(r) : op === 'startsWith' ? l.startsWith(r) : l.endsWith(r);
    }
    case '+':
      if (typeof l === 'string' && typeof r === 'string') return l + r;
      return num(l, op, src, pos) + num(r, op, src, pos);
    case '-':
      return num(l, op, src, pos) - num(r, op, src, pos);
    case '*':
      return num(l, op, src, pos) * num(r, op, src, pos);
    case '/':
      return num(l, op, src, pos) / num(r, op, src, pos);
    case '%': {
      const a = num(l, op, src, pos);
      const b = num(r, op, src, pos);
      if (!Number.isInteger(a) || !Number.isInteger(b)) throw new ConditionError('invalid operation: % needs integers', src, pos);
      if (b === 0) throw new ConditionError('integer divide by zero', src, pos);
      return a % b;
    }
    case '**':
    case '^':
      return num(l, op, src, pos) ** num(r, op, src, pos);
    default:
      throw new ConditionError(`unsupported operator ${op}`, src, pos);
  }
}

function deepEqual(a: ConditionValue, b: ConditionValue): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i] as ConditionValue));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => deepEqual((a as Record<string, ConditionValue>)[k] as ConditionValue, (b as Record<string, ConditionValue>)[k] as ConditionValue));
  }
  return false;
}

function callFunction(fn: string, args: ConditionValue[], src: string, pos: number): ConditionValue {
  const arity = (n: number): void => {
    if (args.length !== n) throw new ConditionError(`${fn}() takes ${n} argument${n === 1 ? '' : 's'}, got ${args.length}`, src, pos);
  };
  const a0 = args[0] as ConditionValue;
  switch (fn) {
    case 'len':
      arity(1);
      if (typeof a0 === 'string' || Array.isArray(a0)) return a0.length;
      if (a0 !== null && typeof a0 === 'object') return Object.keys(a0).length;
      throw new ConditionError(`invalid argument for len (type ${typeName(a0)})`, src, pos);
    case 'isNaN':
      arity(1);
      return Number.isNaN(num(a0, 'isNaN', src, pos));
    case 'isInf':
      arity(1);
      return typeof a0 === 'number' ? a0 === Infinity || a0 === -Infinity : (num(a0, 'isInf', src, pos), false);
    case 'isNil':
      arity(1);
      return isNilValue(a0);
    case 'default':
      arity(2);
      return isNilValue(a0) || isZero(a0) ? (args[1] as ConditionValue) : a0;
    case 'asInt':
      arity(1);
      if (typeof a0 === 'number') return Math.trunc(a0);
      if (typeof a0 === 'string' && /^[+-]?\d+$/.test(a0.trim())) return Number.parseInt(a0, 10);
      throw new ConditionError(`asInt() not supported on ${typeName(a0)} ${JSON.stringify(a0)}`, src, pos);
    case 'asFloat':
      arity(1);
      if (typeof a0 === 'number') return a0;
      if (typeof a0 === 'string' && a0.trim() !== '' && !Number.isNaN(Number(a0))) return Number(a0);
      throw new ConditionError(`asFloat() not supported on ${typeName(a0)} ${JSON.stringify(a0)}`, src, pos);
    case 'abs':
      arity(1);
      return Math.abs(num(a0, 'abs', src, pos));
    case 'min':
    case 'max': {
      if (args.length === 0) throw new ConditionError(`${fn}() needs arguments`, src, pos);
      const xs = args.map((x) => num(x, fn, src, pos));
      return fn === 'min' ? Math.min(...xs) : Math.max(...xs);
    }
    default:
      throw new ConditionError(`unknown function ${fn}()`, src, pos);
  }
}

export type ConditionPhase = 'Successful' | 'Failed' | 'Inconclusive' | 'Error';

/**
 * Argo Rollouts' EvaluateResult (utils/evaluate/evaluate.go) over our result, except that with no conditions at all
 * the judge's own verdict stands (Argo would say Successful).
 */
export function evaluateConditions(
  result: ConditionValue,
  conditions: { successCondition?: string; failureCondition?: string },
  judgeVerdict: ConditionPhase,
): { phase: ConditionPhase; error?: string } {
  const success = conditions.successCondition?.trim() ?? '';
  const failure = conditions.failureCondition?.trim() ?? '';
  if (success === '' && failure === '') return { phase: judgeVerdict };
  const run = (expr: string): boolean => {
    const v = compileCondition(expr).evaluate({ result });
    if (typeof v !== 'boolean') throw new ConditionError(`expected bool, but got ${typeName(v)}`, expr);
    return v;
  };
  try {
    let ok = success !== '' ? run(success) : false;
    let failed = failure !== '' ? run(failure) : false;
    if (success !== '' && failure === '') failed = !ok;
    if (success === '' && failure !== '') ok = !failed;
    if (failed) return { phase: 'Failed' };
    if (!ok) return { phase: 'Inconclusive' };
    return { phase: 'Successful' };
  } catch (err) {
    return { phase: 'Error', error: err instanceof Error ? err.message : String(err) };
  }
}
