/**
 * STIX 2.1 patterning: a lexer and recursive-descent parser that follow the OASIS grammar
 * (../shared/stix2.1/pattern_grammar/STIXPattern.g4) for the whole language, plus the rules the grammar does not
 * express that matter here: comparisons joined by AND inside one observation reference one object type, at most one
 * qualifier of each kind per observation, timestamps that are real dates, and values that fit the object types
 * distillguard emits and matches (IP addresses and CIDRs, AS numbers). Written by hand because no maintained JS
 * package parses STIX patterns (the reference parser is ANTLR-generated Python); limits on length and nesting keep
 * hostile input from exhausting the stack.
 */

export type Literal =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'binary'; value: string }
  | { kind: 'hex'; value: string }
  | { kind: 'timestamp'; value: string };

export type PathStep = string | number | '*';

export interface ObjectPath {
  type: string;
  /** Property names and list indexes after the type, e.g. ['extensions', 'x-ext', 'value'] or ['refs', '*']. */
  steps: PathStep[];
}

export type CompareOp = '=' | '!=' | '>' | '<' | '>=' | '<=' | 'IN' | 'LIKE' | 'MATCHES' | 'ISSUBSET' | 'ISSUPERSET';

export type Comparison =
  | { kind: 'and' | 'or'; left: Comparison; right: Comparison }
  | { kind: 'test'; path: ObjectPath; op: CompareOp; negated: boolean; value: Literal | Literal[] }
  | { kind: 'exists'; path: ObjectPath; negated: boolean };

export type Qualifier = { kind: 'start_stop'; start: string; stop: string } | { kind: 'within'; seconds: number } | { kind: 'repeats'; times: number };

export type Observation =
  | { kind: 'and' | 'or' | 'followedby'; left: Observation; right: Observation }
  | { kind: 'observation'; comparison: Comparison; qualifiers: Qualifier[] }
  | { kind: 'group'; inner: Observation; qualifiers: Qualifier[] };

/** Limits on hostile input. */
export const MAX_PATTERN_CHARS = 65_536;
export const MAX_PATTERN_DEPTH = 64;

export class PatternError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at character ${offset + 1}`);
    this.name = 'PatternError';
  }
}

type Tok =
  | { t: 'kw'; v: string; at: number }
  | { t: 'id'; v: string; hyphen: boolean; at: number }
  | { t: 'lit'; v: Literal; at: number }
  | { t: 'op'; v: string; at: number }
  | { t: 'eof'; at: number };

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'FOLLOWEDBY', 'LIKE', 'MATCHES', 'ISSUPERSET', 'ISSUBSET', 'EXISTS', 'LAST', 'IN', 'START', 'STOP', 'SECONDS', 'WITHIN', 'REPEATS', 'TIMES']);
// The grammar's WS set: space, tab, CR, LF, VT, FF and the Unicode spaces it lists.
const WS_CHARS = new Set([' ', '\t', '\r', '\n', '\u000B', '\u000C', '\u0085', '\u00a0', '\u1680', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000']);
const isWs = (c: string) => WS_CHARS.has(c) || (c >= '\u2000' && c <= '\u200a');
const TIMESTAMP_RE = /^t'([0-9]{4}-(?:0[1-9]|1[012])-(?:0[1-9]|[12][0-9]|3[01])T(?:[01][0-9]|2[0-3]):[0-5][0-9]:(?:[0-5][0-9]|60)(?:\.[0-9]+)?Z)'/;
const HEX_RE = /^h'((?:[A-Fa-f0-9]{2})*)'/;
const B64 = '[A-Za-z0-9+/]';
const BINARY_RE = new RegExp(`^b'((?:${B64}{4})*(?:${B64}{4}|${B64}{3}=|${B64}{2}==))'`);
const NUM_RE = /^[+-]?(?:[0-9]*\.[0-9]+|0|[1-9][0-9]*)/;

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (isWs(c)) {
      i++;
      continue;
    }
    if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw new PatternError('unterminated comment', i);
      i = end + 2;
      continue;
    }
    if (src.startsWith('//', i)) {
      while (i < src.length && src[i] !== '\n' && src[i] !== '\r') i++;
      continue;
    }
    const rest = () => src.slice(i, i + 4096);
    if ((c === 't' || c === 'h' || c === 'b') && src[i + 1] === "'") {
      const re = c === 't' ? TIMESTAMP_RE : c === 'h' ? HEX_RE : BINARY_RE;
      const m = re.exec(rest());
      if (m) {
        out.push({ t: 'lit', v: { kind: c === 't' ? 'timestamp' : c === 'h' ? 'hex' : 'binary', value: m[1]! }, at: i });
        i += m[0].length;
        continue;
      }
      if (c === 't') throw new PatternError("malformed timestamp literal (expected t'YYYY-MM-DDTHH:MM:SS[.s]Z')", i);
    }
    if (c === "'") {
      let j = i + 1;
      let v = '';
      for (;;) {
        if (j >= src.length) throw new PatternError('unterminated string literal', i);
        const d = src[j]!;
        if (d === "'") break;
        if (d === '\\') {
          const e = src[j + 1];
          if (e !== "'" && e !== '\\') throw new PatternError("invalid escape in string literal (only \\' and \\\\ are allowed)", j);
          v += e;
          j += 2;
          continue;
        }
        v += d;
        j++;
      }
      out.push({ t: 'lit', v: { kind: 'string', value: v }, at: i });
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i, i + 512))!;
      const w = m[0];
      if (w.length >= 512) throw new PatternError('identifier too long', i);
      if (w === 'true' || w === 'false') out.push({ t: 'lit', v: { kind: 'bool', value: w === 'true' }, at: i });
      else if (KEYWORDS.has(w)) out.push({ t: 'kw', v: w, at: i });
      else out.push({ t: 'id', v: w, hyphen: w.includes('-'), at: i });
      i += w.length;
      continue;
    }
    if (/[0-9.+-]/.test(c)) {
      const m = NUM_RE.exec(src.slice(i, i + 64));
      if (m && m[0] !== '+' && m[0] !== '-') {
        const float = m[0].includes('.');
        if (!float && /^[+-]?0[0-9]/.test(src.slice(i, i + 3))) throw new PatternError('integer with a leading zero', i);
        out.push({ t: 'lit', v: { kind: float ? 'float' : 'int', value: Number(m[0]) }, at: i });
        i += m[0].length;
        continue;
      }
    }
    const two = src.slice(i, i + 2);
    if (['==', '!=', '<>', '<=', '>='].includes(two)) {
      out.push({ t: 'op', v: two === '==' ? '=' : two === '<>' ? '!=' : two, at: i });
      i += 2;
      continue;
    }
    if ('=<>[]():,.*'.includes(c)) {
      out.push({ t: 'op', v: c, at: i });
      i++;
      continue;
    }
    throw new PatternError(`unexpected character ${JSON.stringify(c)}`, i);
  }
  out.push({ t: 'eof', at: src.length });
  return out;
}

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok {
    return this.toks[this.i]!;
  }
  private next(): Tok {
    return this.toks[this.i++]!;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.t === 'op' && t.v === v;
  }
  private isKw(v: string): boolean {
    const t = this.peek();
    return t.t === 'kw' && t.v === v;
  }
  private expectOp(v: string, what: string): void {
    const t = this.next();
    if (t.t !== 'op' || t.v !== v) throw new PatternError(`expected ${what}`, t.at);
  }
  private expectKw(v: string): void {
    const t = this.next();
    if (t.t !== 'kw' || t.v !== v) throw new PatternError(`expected ${v}`, t.at);
  }
  private enter(at: number): void {
    if (++this.depth > MAX_PATTERN_DEPTH) throw new PatternError(`nesting deeper than ${MAX_PATTERN_DEPTH}`, at);
  }

  pattern(): Observation {
    const o = this.observations();
    const t = this.peek();
    if (t.t !== 'eof') throw new PatternError('unexpected input after the pattern', t.at);
    return o;
  }

  private observations(): Observation {
    let left = this.obsOr();
    while (this.isKw('FOLLOWEDBY')) {
      this.next();
      left = { kind: 'followedby', left, right: this.obsOr() };
    }
    return left;
  }
  private obsOr(): Observation {
    let left = this.obsAnd();
    while (this.isKw('OR')) {
      this.next();
      left = { kind: 'or', left, right: this.obsAnd() };
    }
    return left;
  }
  private obsAnd(): Observation {
    let left = this.observation();
    while (this.isKw('AND')) {
      this.next();
      left = { kind: 'and', left, right: this.observation() };
    }
    return left;
  }
  private observation(): Observation {
    const t = this.peek();
    this.enter(t.at);
    let o: Observation;
    if (this.isOp('[')) {
      this.next();
      const comparison = this.compOr();
      this.expectOp(']', "']' closing the observation expression");
      checkSameType(comparison, t.at);
      o = { kind: 'observation', comparison, qualifiers: [] };
    } else if (this.isOp('(')) {
      this.next();
      const inner = this.observations();
      this.expectOp(')', "')'");
      o = { kind: 'group', inner, qualifiers: [] };
    } else throw new PatternError("expected '[' or '(' starting an observation expression", t.at);
    const seen = new Set<string>();
    for (;;) {
      const q = this.qualifier();
      if (!q) break;
      if (seen.has(q.kind)) throw new PatternError(`more than one ${q.kind.toUpperCase().replace('_', '/')} qualifier on one observation expression`, t.at);
      seen.add(q.kind);
      o.qualifiers.push(q);
    }
    this.depth--;
    return o;
  }
  private qualifier(): Qualifier | null {
    const t = this.peek();
    if (this.isKw('START')) {
      this.next();
      const a = this.timestamp();
      this.expectKw('STOP');
      const b = this.timestamp();
      if (Date.parse(b) <= Date.parse(a)) throw new PatternError('STOP must be later than START', t.at);
      return { kind: 'start_stop', start: a, stop: b };
    }
    if (this.isKw('WITHIN')) {
      this.next();
      const n = this.next();
      if (n.t !== 'lit' || (n.v.kind !== 'int' && n.v.kind !== 'float') || !(n.v.value > 0)) throw new PatternError('WITHIN needs a positive number', n.at);
      this.expectKw('SECONDS');
      return { kind: 'within', seconds: n.v.value };
    }
    if (this.isKw('REPEATS')) {
      this.next();
      const n = this.next();
      if (n.t !== 'lit' || n.v.kind !== 'int' || !(n.v.value > 0)) throw new PatternError('REPEATS needs a positive whole number', n.at);
      this.expectKw('TIMES');
      return { kind: 'repeats', times: n.v.value };
    }
    return null;
  }
  private timestamp(): string {
    const t = this.next();
    if (t.t !== 'lit' || t.v.kind !== 'timestamp') throw new PatternError('expected a timestamp literal', t.at);
    realDate(t.v.value, t.at);
    return t.v.value;
  }

  private compOr(): Comparison {
    let left = this.compAnd();
    while (this.isKw('OR')) {
      this.next();
      left = { kind: 'or', left, right: this.compAnd() };
    }
    return left;
  }
  private compAnd(): Comparison {
    let left = this.propTest();
    while (this.isKw('AND')) {
      this.next();
      left = { kind: 'and', left, right: this.propTest() };
    }
    return left;
  }
  private propTest(): Comparison {
    const t = this.peek();
    this.enter(t.at);
    let c: Comparison;
    if (this.isOp('(')) {
      this.next();
      c = this.compOr();
      this.expectOp(')', "')'");
    } else if (this.isKw('NOT') && this.toks[this.i + 1]?.t === 'kw' && (this.toks[this.i + 1] as { v: string }).v === 'EXISTS') {
      this.next();
      this.next();
      c = { kind: 'exists', path: this.objectPath(), negated: true };
    } else if (this.isKw('EXISTS')) {
      this.next();
      c = { kind: 'exists', path: this.objectPath(), negated: false };
    } else {
      const path = this.objectPath();
      let negated = false;
      if (this.isKw('NOT')) {
        this.next();
        negated = true;
      }
      const o = this.next();
      if (o.t === 'op' && ['=', '!='].includes(o.v)) c = { kind: 'test', path, op: o.v as CompareOp, negated, value: this.primitive() };
      else if (o.t === 'op' && ['<', '>', '<=', '>='].includes(o.v)) c = { kind: 'test', path, op: o.v as CompareOp, negated, value: this.orderable() };
      else if (o.t === 'kw' && o.v === 'IN') c = { kind: 'test', path, op: 'IN', negated, value: this.set() };
      else if (o.t === 'kw' && ['LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET'].includes(o.v)) {
        const s = this.next();
        if (s.t !== 'lit' || s.v.kind !== 'string') throw new PatternError(`${o.v} needs a string literal`, s.at);
        if (o.v === 'MATCHES') checkRegex(s.v.value, s.at);
        c = { kind: 'test', path, op: o.v as CompareOp, negated, value: s.v };
      } else throw new PatternError('expected a comparison operator', o.at);
      checkValue(c, t.at);
    }
    this.depth--;
    return c;
  }
  private primitive(): Literal {
    const t = this.next();
    if (t.t !== 'lit') throw new PatternError('expected a literal', t.at);
    return t.v;
  }
  private orderable(): Literal {
    const v = this.primitive();
    if (v.kind === 'bool') throw new PatternError('a boolean cannot be ordered', this.toks[this.i - 1]!.at);
    return v;
  }
  private set(): Literal[] {
    this.expectOp('(', "'(' starting a set");
    const out: Literal[] = [];
    if (this.isOp(')')) {
      this.next();
      return out;
    }
    for (;;) {
      out.push(this.primitive());
      if (out.length > 10_000) throw new PatternError('set literal with more than 10000 members', this.peek().at);
      if (this.isOp(',')) {
        this.next();
        continue;
      }
      this.expectOp(')', "')' closing the set");
      return out;
    }
  }
  private objectPath(): ObjectPath {
    const t = this.next();
    if (t.t !== 'id') throw new PatternError('expected an object path (type:property)', t.at);
    if (!/^[a-z][a-z0-9-]*[a-z0-9]$/.test(t.v) || t.v.length < 3 || t.v.length > 250 || t.v.includes('--')) throw new PatternError(`"${t.v}" is not a valid STIX object type name`, t.at);
    this.expectOp(':', "':' after the object type");
    const steps: PathStep[] = [];
    const first = this.next();
    if (first.t === 'id' && !first.hyphen) steps.push(first.v);
    else if (first.t === 'lit' && first.v.kind === 'string') steps.push(first.v.value);
    else throw new PatternError('expected a property name', first.at);
    for (;;) {
      // a '.' directly followed by an identifier or string; numbers like '.5' are lexed as floats, handled below
      if (this.isOp('.')) {
        this.next();
        const k = this.next();
        if (k.t === 'id' && !k.hyphen) steps.push(k.v);
        else if (k.t === 'lit' && k.v.kind === 'string') steps.push(k.v.value);
        else throw new PatternError('expected a property name after "."', k.at);
      } else if (this.isOp('[')) {
        this.next();
        const k = this.next();
        if (k.t === 'op' && k.v === '*') steps.push('*');
        else if (k.t === 'lit' && k.v.kind === 'int') steps.push(k.v.value);
        else throw new PatternError("expected a list index or '*'", k.at);
        this.expectOp(']', "']' closing the list index");
      } else break;
      if (steps.length > 32) throw new PatternError('object path longer than 32 steps', t.at);
    }
    return { type: t.v, steps };
  }
}

function typesOf(c: Comparison, out: Set<string>): void {
  if ('path' in c) out.add(c.path.type);
  else {
    typesOf(c.left, out);
    typesOf(c.right, out);
  }
}

/** A timestamp that names a real instant (the grammar accepts 30 February); a leap second counts as :59. */
function realDate(ts: string, at: number): number {
  const ms = Date.parse(ts.replace(/:60(\.|Z)/, ':59$1'));
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== ts.slice(0, 10)) throw new PatternError(`timestamp ${ts} is not a real date`, at);
  return ms;
}

/** Comparisons joined by AND in one observation expression must reference the same object type (STIX 2.1, 9.5). */
function checkSameType(c: Comparison, at: number): void {
  if (c.kind === 'and') {
    const s = new Set<string>();
    typesOf(c, s);
    if (s.size > 1) throw new PatternError(`comparisons joined by AND reference different object types (${[...s].join(', ')})`, at);
  }
  if (c.kind === 'and' || c.kind === 'or') {
    checkSameType(c.left, at);
    checkSameType(c.right, at);
  }
}

function checkRegex(re: string, at: number): void {
  if (re.length > 1024) throw new PatternError('regular expression longer than 1024 characters', at);
  try {
    new RegExp(re);
  } catch (e) {
    throw new PatternError(`invalid regular expression: ${(e as Error).message}`, at);
  }
}

export const IPV4_RE = /^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$/;

export function isIpv4(s: string): boolean {
  return IPV4_RE.test(s);
}

export function isIpv6(s: string): boolean {
  if (!/^[0-9a-fA-F:.]{2,45}$/.test(s)) return false;
  const dbl = s.split('::');
  if (dbl.length > 2) return false;
  const groups = (p: string) => (p === '' ? [] : p.split(':'));
  const parts = [...groups(dbl[0]!), ...(dbl.length === 2 ? groups(dbl[1]!) : [])];
  let n = 0;
  for (let k = 0; k < parts.length; k++) {
    const g = parts[k]!;
    if (k === parts.length - 1 && g.includes('.')) {
      if (!isIpv4(g)) return false;
      n += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) n++;
    else return false;
  }
  return dbl.length === 2 ? n < 8 : n === 8;
}

/** An address or a CIDR block of the given family. */
export function isAddressOrCidr(s: string, family: 4 | 6): boolean {
  const [addr, len, extra] = s.split('/');
  if (extra !== undefined || addr === undefined) return false;
  if (!(family === 4 ? isIpv4(addr) : isIpv6(addr))) return false;
  if (len === undefined) return true;
  if (!/^(0|[1-9][0-9]{0,2})$/.test(len)) return false;
  return Number(len) <= (family === 4 ? 32 : 128);
}

/** Values of the object paths distillguard emits and matches must be well formed. */
function checkValue(c: Comparison & { kind: 'test' }, at: number): void {
  const vals = Array.isArray(c.value) ? c.value : [c.value];
  for (const v of vals) if (v.kind === 'timestamp') realDate(v.value, at);
  const p = c.path;
  const prop = p.steps.length === 1 ? p.steps[0] : null;
  if ((p.type === 'ipv4-addr' || p.type === 'ipv6-addr') && prop === 'value' && ['=', '!=', 'IN', 'ISSUBSET', 'ISSUPERSET'].includes(c.op)) {
    const fam = p.type === 'ipv4-addr' ? 4 : 6;
    for (const v of vals) {
      if (v.kind !== 'string' || !isAddressOrCidr(v.value, fam)) throw new PatternError(`${p.type}:value needs IPv${fam} addresses or CIDR blocks, got ${JSON.stringify(v.kind === 'string' ? v.value : v.kind)}`, at);
    }
  }
  if (p.type === 'autonomous-system' && prop === 'number' && c.op !== 'LIKE' && c.op !== 'MATCHES') {
    for (const v of vals) if (v.kind !== 'int' || v.value < 0 || v.value > 4294967295) throw new PatternError('autonomous-system:number needs whole numbers 0-4294967295', at);
  }
}

/** Parse a STIX 2.1 pattern; throws PatternError with the offending position. */
export function parsePattern(src: string): Observation {
  if (typeof src !== 'string') throw new PatternError('a pattern must be a string', 0);
  if (src.length > MAX_PATTERN_CHARS) throw new PatternError(`pattern longer than ${MAX_PATTERN_CHARS} characters`, MAX_PATTERN_CHARS);
  return new Parser(lex(src)).pattern();
}

/** A string literal of the patterning language. */
export function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Every simple observation expression (the bracketed ones) of a parsed pattern. */
export function observations(o: Observation): Array<Observation & { kind: 'observation' }> {
  if (o.kind === 'observation') return [o];
  if (o.kind === 'group') return observations(o.inner);
  return [...observations(o.left), ...observations(o.right)];
}
