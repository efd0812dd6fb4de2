/**
 * One-pass multi-phrase scanner (an Aho-Corasick-like dictionary matcher without its automaton).
 *
 * All lexicons (chain-of-thought, rubric, capability cues, language stop words) are compiled into one table of
 * phrases bucketed by their first two characters. One left-to-right pass over a prepared text (see prep.ts):
 * - at each position that can start a phrase (a word start for spaced scripts; any position in CJK/Thai/Hangul),
 *   looks the first three characters up in a hashed typed-array table (two- and one-character phrases: small Maps)
 *   and tries the bucket's phrases, longest first; the longest match at a position wins; matches may overlap
 *   ("full reasoning" and "reasoning trace"), except zero-weight phrases, which hide what they cover;
 * - counts structural characters and scripts (braces, semicolons, digits, newlines, Cyrillic, Han, ...) for the
 *   capability classifier and the language guess.
 * No regular expressions, no allocation per character: cost is a few ns per character.
 *
 * Phrase syntax: lower case; a space matches any run of whitespace, '-' or '_'; "'" also matches '’'; a trailing
 * '*' makes the phrase a prefix (no word boundary needed after it). Phrases that start with a word character of a
 * spaced script need a word boundary before them.
 */
import { CLS, isNoBoundary, isWordCode, normPhrase } from './prep.js';

/** Counter slots filled by a scan. */
export enum C {
  letter, digit, newline, lbrace, rbrace, semi, lparen, rparen, eq, lt, gt, pipe, backtick, underscore,
  plus, star, slash, caret, dollar, backslash, hash, question, comma, lbracket, rbracket, quote, colon, tab, dot,
  space, latinExt, cyrillic, greek, arabic, persian, hebrew, devanagari, bengali, tamil, thai, hangul, kana, han,
  mathSym, georgian, armenian, vietnamese, other, chars,
  SIZE,
}

const ASCII_SLOT = new Int8Array(128).fill(-1);
{
  const set = (chars: string, slot: C) => {
    for (const ch of chars) ASCII_SLOT[ch.charCodeAt(0)] = slot;
  };
  for (let c = 97; c <= 122; c++) ASCII_SLOT[c] = C.letter;
  for (let c = 65; c <= 90; c++) ASCII_SLOT[c] = C.letter;
  set('0123456789', C.digit);
  set('\n', C.newline);
  set('{', C.lbrace);
  set('}', C.rbrace);
  set(';', C.semi);
  set('(', C.lparen);
  set(')', C.rparen);
  set('=', C.eq);
  set('<', C.lt);
  set('>', C.gt);
  set('|', C.pipe);
  set('`', C.backtick);
  set('_', C.underscore);
  set('+', C.plus);
  set('*', C.star);
  set('/', C.slash);
  set('^', C.caret);
  set('$', C.dollar);
  set('\\', C.backslash);
  set('#', C.hash);
  set('?', C.question);
  set(',', C.comma);
  set('[', C.lbracket);
  set(']', C.rbracket);
  set('"', C.quote);
  set(':', C.colon);
  set('\t', C.tab);
  set('.', C.dot);
  set(' ', C.space);
}

/** Script (or symbol class) slot of a non-ASCII code unit. */
function scriptSlot(c: number): C {
  if (c >= 0x4e00 && c <= 0x9fff) return C.han;
  if (c >= 0xac00 && c <= 0xd7af) return C.hangul;
  if (c >= 0x3040 && c <= 0x30ff) return C.kana;
  if (c >= 0x0400 && c <= 0x04ff) return C.cyrillic;
  // The Arabic question mark (NFKC leaves it as it is) is a question mark.
  if (c === 0x061f) return C.question;
  if (c >= 0x0600 && c <= 0x06ff) {
    // Letters Persian adds to the Arabic alphabet (pe, che, zhe, gaf, keheh, farsi yeh).
    return c === 0x067e || c === 0x0686 || c === 0x0698 || c === 0x06af || c === 0x06a9 || c === 0x06cc ? C.persian : C.arabic;
  }
  if (c >= 0x00c0 && c <= 0x024f) return c === 0x0111 || c === 0x01a1 || c === 0x01b0 ? C.vietnamese : c === 0xd7 || c === 0xf7 ? C.mathSym : C.latinExt;
  if (c >= 0x1ea0 && c <= 0x1ef9) return C.vietnamese;
  if (c >= 0x1e00 && c <= 0x1eff) return C.latinExt;
  if (c >= 0x0370 && c <= 0x03ff) return C.greek;
  if (c >= 0x0590 && c <= 0x05ff) return C.hebrew;
  if (c >= 0x0900 && c <= 0x097f) return C.devanagari;
  if (c >= 0x0980 && c <= 0x09ff) return C.bengali;
  if (c >= 0x0b80 && c <= 0x0bff) return C.tamil;
  if (c >= 0x0e00 && c <= 0x0e7f) return C.thai;
  if ((c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff)) return C.han;
  if ((c >= 0x1100 && c <= 0x11ff) || (c >= 0x3130 && c <= 0x318f)) return C.hangul;
  if ((c >= 0x2200 && c <= 0x22ff) || (c >= 0x2a00 && c <= 0x2aff) || c === 0xb1) return C.mathSym;
  if ((c >= 0x0750 && c <= 0x077f) || (c >= 0xfb50 && c <= 0xfdff) || (c >= 0xfe70 && c <= 0xfeff)) return C.arabic;
  if (c >= 0x10a0 && c <= 0x10ff) return C.georgian;
  if (c >= 0x0530 && c <= 0x058f) return C.armenian;
  return C.other;
}

/** Counter slot of every code unit (-1: none), precomputed. */
const SLOT = new Int8Array(65536);
for (let c = 0; c < 65536; c++) SLOT[c] = c < 128 ? ASCII_SLOT[c]! : scriptSlot(c);

/** Map key of a first-two-characters pair, kept in small-integer range (collisions only merge buckets). */
function pairKey(c0: number, c1: number): number {
  return ((c0 & 0x3fff) << 16) | c1;
}

const TRI_BITS = 16;
/** Table slot of a first-three-characters triple (collisions only merge buckets; matchAt verifies). */
function triKey(c0: number, c1: number, c2: number): number {
  return (Math.imul(c0, 0x9e3779b1) ^ Math.imul(c1, 0x85ebca6b) ^ Math.imul(c2, 0xc2b2ae35)) >>> (32 - TRI_BITS);
}

/** Key form of a text character: separators as a space, the typographic apostrophe as "'". */
function keyChar(c: number): number {
  return (CLS[c]! & 4) !== 0 ? 32 : c === 0x2019 ? 39 : c;
}

/** A phrase list for one group: [phrase, weight]. */
export type PhraseList = ReadonlyArray<readonly [string, number]>;

/** Compiled dictionary of all phrases of all groups. */
export class Lexicon {
  readonly groups: string[] = [];
  private phrases: string[] = [];
  private weights: number[] = [];
  private groupOf: number[] = [];
  private prefix: boolean[] = [];
  /** Phrase characters, concatenated (typed arrays: fast, monomorphic reads in the hot loop). */
  private codes = new Uint16Array(0);
  private start = new Int32Array(0);
  private len = new Int32Array(0);
  /** 1 when the phrase needs a word boundary after it. */
  private endB = new Uint8Array(0);
  private dirty = false;
  /** 1 for characters some phrase starts with; 2 bit: a two-character phrase; 4 bit: a one-character phrase. */
  private first = new Uint8Array(65536);
  /** Phrases of 3+ characters: first three characters -> bucket index + 1. */
  private tri = new Int32Array(1 << TRI_BITS);
  /** Two-character phrases: pair key -> bucket index. */
  private pair = new Map<number, number>();
  /** One-character phrases: character -> phrase id. */
  private single = new Map<number, number>();
  private buckets: number[][] = [];

  /** Adds a group of phrases; returns the group index. A phrase already present keeps its first group. */
  addGroup(name: string, list: PhraseList): number {
    const g = this.groups.length;
    this.groups.push(name);
    for (const [raw, w] of list) {
      let p = normPhrase(raw);
      const isPrefix = p.endsWith('*');
      if (isPrefix) p = p.slice(0, -1);
      if (p.length === 0 || this.phrases.includes(p)) continue;
      const id = this.phrases.length;
      this.phrases.push(p);
      this.weights.push(w);
      this.groupOf.push(g);
      this.prefix.push(isPrefix);
      this.dirty = true;
      const c0 = p.charCodeAt(0);
      if (p.length === 1) {
        this.first[c0]! |= 5;
        this.single.set(c0, id);
        continue;
      }
      let b: number;
      if (p.length === 2) {
        this.first[c0]! |= 3;
        const key = pairKey(c0, p.charCodeAt(1));
        const got = this.pair.get(key);
        if (got === undefined) {
          b = this.buckets.length;
          this.buckets.push([]);
          this.pair.set(key, b);
        } else b = got;
      } else {
        this.first[c0]! |= 1;
        const key = triKey(c0, p.charCodeAt(1), p.charCodeAt(2));
        b = this.tri[key]! - 1;
        if (b < 0) {
          b = this.buckets.length;
          this.buckets.push([]);
          this.tri[key] = b + 1;
        }
      }
      const bucket = this.buckets[b]!;
      bucket.push(id);
      bucket.sort((x, y) => this.phrases[y]!.length - this.phrases[x]!.length);
    }
    return g;
  }

  /** Packs the phrases into typed arrays (after phrases were added). */
  private pack(): void {
    const total = this.phrases.reduce((a, p) => a + p.length, 0);
    this.codes = new Uint16Array(total);
    this.start = new Int32Array(this.phrases.length);
    this.len = new Int32Array(this.phrases.length);
    this.endB = new Uint8Array(this.phrases.length);
    let o = 0;
    this.phrases.forEach((p, id) => {
      this.start[id] = o;
      this.len[id] = p.length;
      for (let k = 0; k < p.length; k++) this.codes[o++] = p.charCodeAt(k);
      const last = p.charCodeAt(p.length - 1);
      this.endB[id] = !this.prefix[id] && isWordCode(last) && !isNoBoundary(last) ? 1 : 0;
    });
    this.dirty = false;
  }

  /** End index of phrase `id` matched at `i`, or -1. */
  private matchAt(t: string, i: number, id: number): number {
    const codes = this.codes;
    const n = t.length;
    const e = this.start[id]! + this.len[id]!;
    let j = i;
    for (let k = this.start[id]!; k < e; k++) {
      const pc = codes[k]!;
      if (j >= n) return -1;
      const tc = t.charCodeAt(j);
      if (pc === 32) {
        if ((CLS[tc]! & 4) === 0) return -1;
        j++;
        while (j < n && (CLS[t.charCodeAt(j)]! & 4) !== 0) j++;
      } else if (tc === pc || (pc === 39 && tc === 0x2019)) j++;
      else return -1;
    }
    if (this.endB[id] === 1 && j < n && (CLS[t.charCodeAt(j)]! & 3) === 1) return -1;
    return j;
  }

  /** Scans a prepared text; fills `out` (see ScanResult). */
  scan(t: string, out: ScanResult): ScanResult {
    if (this.dirty) this.pack();
    out.reset();
    const cnt = out.counts;
    const n = t.length;
    cnt[C.chars] = n;
    let prevWord = false;
    const first = this.first;
    let i = 0;
    while (i < n) {
      const c = t.charCodeAt(i);
      const cl = CLS[c]!;
      const slot = SLOT[c]!;
      if (slot >= 0) cnt[slot]!++;
      const word = (cl & 1) !== 0;
      // Phrase lookup where a phrase can start: word starts, any CJK/Thai/Hangul position, punctuation.
      const f = first[c]!;
      if (f !== 0 && (!word || !prevWord || (cl & 2) !== 0)) {
        let end = -1;
        let hit = -1;
        if (i + 2 < n) {
          // Key characters: after a separator, skip the rest of the separator run.
          let j = i + 1;
          const c1 = keyChar(t.charCodeAt(j));
          if (c1 === 32) while (j + 1 < n && (CLS[t.charCodeAt(j + 1)]! & 4) !== 0) j++;
          const c2 = keyChar(t.charCodeAt(j + 1));
          const b = this.tri[triKey(c, c1, c2)]! - 1;
          if (b >= 0) {
            const bucket = this.buckets[b]!;
            for (let k = 0; k < bucket.length; k++) {
              end = this.matchAt(t, i, bucket[k]!);
              if (end > 0) {
                hit = bucket[k]!;
                break;
              }
            }
          }
        }
        if (hit < 0 && (f & 2) !== 0 && i + 1 < n) {
          const b = this.pair.get(pairKey(c, keyChar(t.charCodeAt(i + 1)))) ?? -1;
          if (b >= 0) {
            const bucket = this.buckets[b]!;
            for (let k = 0; k < bucket.length; k++) {
              end = this.matchAt(t, i, bucket[k]!);
              if (end > 0) {
                hit = bucket[k]!;
                break;
              }
            }
          }
        }
        if (hit < 0 && (f & 4) !== 0) {
          const id = this.single.get(c)!;
          end = this.matchAt(t, i, id);
          if (end > 0) hit = id;
        }
        if (hit >= 0) {
          out.add(this.groupOf[hit]!, this.weights[hit]!, hit);
          // Zero-weight phrases neutralise what they cover (browser-extension suffixes): skip over them, counting.
          if (this.weights[hit] === 0) {
            for (let k = i + 1; k < end; k++) {
              const sk = SLOT[t.charCodeAt(k)]!;
              if (sk >= 0) cnt[sk]!++;
            }
            prevWord = (CLS[t.charCodeAt(end - 1)]! & 3) === 1;
            i = end;
            continue;
          }
        }
      }
      // A CJK character before a Latin word is a word boundary ("用Python写").
      prevWord = (cl & 3) === 1;
      i++;
    }
    return out;
  }

  phrase(id: number): string {
    return this.phrases[id]!;
  }

  groupOfPhrase(id: number): number {
    return this.groupOf[id]!;
  }

  get size(): number {
    return this.phrases.length;
  }
}

/** What a scan found: per group the strongest and the summed weight and the number of hits; character counters. */
export class ScanResult {
  readonly max: Float64Array;
  readonly sum: Float64Array;
  readonly hits: Int32Array;
  readonly counts = new Int32Array(C.SIZE);
  /** Phrase ids matched, in order (for explanations and tests), capped. */
  readonly matched: number[] = [];

  constructor(groups: number) {
    this.max = new Float64Array(groups);
    this.sum = new Float64Array(groups);
    this.hits = new Int32Array(groups);
  }

  reset(): void {
    this.max.fill(0);
    this.sum.fill(0);
    this.hits.fill(0);
    this.counts.fill(0);
    this.matched.length = 0;
  }

  add(g: number, w: number, id: number): void {
    // A phrase repeated in one text counts once.
    if (this.matched.includes(id)) return;
    if (this.matched.length < 64) this.matched.push(id);
    if (w > this.max[g]!) this.max[g] = w;
    this.sum[g]! += w;
    this.hits[g]!++;
  }

  /**
   * Group strength 0..1: the strongest cue plus a quarter of the others, capped at 1. One weak cue stays weak;
   * several independent cues add up.
   */
  strength(g: number): number {
    const m = this.max[g]!;
    return Math.min(1, m + 0.25 * (this.sum[g]! - m));
  }
}
