/**
 * The parsed watermark lexicon: sets of interchangeable words, a word → set index, and the rules that decide
 * whether an occurrence of a set word is a usable site (flags, previous word, a/an agreement).
 */
import { LEXICON_LINES } from './lexicon-data.js';

/** One set of interchangeable words (all lower case). */
export interface WordSet {
  /** Stable id: the members joined by "/" in table order (it enters the keyed hash). */
  id: string;
  members: readonly string[];
  /** Natural share of each member (same order), summing to 1. */
  weights: readonly number[];
  /** Only a site when a comma follows the word. */
  comma: boolean;
  /** Only a site when no punctuation follows the word. */
  bare: boolean;
  /** Only a site in lower case. */
  lower: boolean;
  /** No site after these previous words. */
  notAfter: ReadonlySet<string>;
}

export interface Lexicon {
  sets: readonly WordSet[];
  /** Lower-case member → its set. */
  byWord: ReadonlyMap<string, WordSet>;
}

/** Parses table lines (syntax in lexicon-data.ts). Throws on a malformed line or a word in two sets. */
export function parseLexicon(lines: readonly string[]): Lexicon {
  const sets: WordSet[] = [];
  const byWord = new Map<string, WordSet>();
  for (const line of lines) {
    const [head = '', tail = ''] = line.split('|');
    const members: string[] = [];
    const raw: number[] = [];
    for (const tok of head.trim().split(/\s+/)) {
      const [w = '', wt] = tok.split(':');
      if (!/^[a-z]+(?:'[a-z]+)?$/.test(w)) throw new Error(`lexicon: bad member "${tok}" in "${line}"`);
      const weight = wt === undefined ? 1 : Number(wt);
      if (!(weight > 0)) throw new Error(`lexicon: bad weight in "${line}"`);
      members.push(w);
      raw.push(weight);
    }
    if (members.length < 2) throw new Error(`lexicon: a set needs two members: "${line}"`);
    let comma = false;
    let bare = false;
    let lower = false;
    const notAfter = new Set<string>();
    for (const flag of tail.trim().split(/\s+/).filter(Boolean)) {
      if (flag === 'comma') comma = true;
      else if (flag === 'bare') bare = true;
      else if (flag === 'lower') lower = true;
      else if (flag.startsWith('not:')) for (const w of flag.slice(4).split(',')) notAfter.add(w);
      else throw new Error(`lexicon: unknown flag "${flag}" in "${line}"`);
    }
    const total = raw.reduce((a, b) => a + b, 0);
    const set: WordSet = { id: members.join('/'), members, weights: raw.map((w) => w / total), comma, bare, lower, notAfter };
    for (const m of members) {
      if (byWord.has(m)) throw new Error(`lexicon: "${m}" is in two sets`);
      byWord.set(m, set);
    }
    sets.push(set);
  }
  return { sets, byWord };
}

let builtIn: Lexicon | undefined;

/** The built-in lexicon (parsed once). */
export function defaultLexicon(): Lexicon {
  return (builtIn ??= parseLexicon(LEXICON_LINES));
}

/**
 * Whether a word starts with a vowel sound (takes "an"). Spelling rules good enough for the lexicon's words:
 * "useful", "usual", "unique" take "a"; "hour", "honest" take "an".
 */
export function vowelSound(w: string): boolean {
  if (/^(hour|honest|honor|honour|heir)/.test(w)) return true;
  if (/^u(s|ni|ti|r[aeiou]|bi|ku|ro)/.test(w)) return false;
  if (/^(one|once)/.test(w)) return false;
  return /^[aeiou]/.test(w);
}

/**
 * The members a site may choose from: all of them, except after "a"/"an" where only those with the same
 * article as the observed word qualify (the article has already been sent). Returns member indices.
 * `tag` names the subset ("*", "a" or "an") and enters the site key.
 */
export function eligible(set: WordSet, observed: string, prevWord: string | null): { idx: number[]; tag: string } {
  if (prevWord !== 'a' && prevWord !== 'an') return { idx: set.members.map((_, i) => i), tag: '*' };
  const v = vowelSound(observed);
  const idx: number[] = [];
  set.members.forEach((m, i) => {
    if (vowelSound(m) === v) idx.push(i);
  });
  return { idx, tag: v ? 'an' : 'a' };
}
