/**
 * Watermark sites: an occurrence of a lexicon word in a context where the watermark could have chosen any
 * member of its set. The watermarker and the verifier use this one definition, so both see the same sites in
 * the same text. The context is the previous prose word and the strongest separator since it (CATER-style
 * conditioning: the preferred member changes with the context, so the mark is no fixed global word swap).
 */
import { eligible, type Lexicon, type WordSet } from './lexicon.js';
import type { WordEvent } from './scanner.js';

export interface Site {
  set: WordSet;
  /** Member indices the site may choose from (all, or those agreeing with a preceding "a"/"an"). */
  idx: number[];
  /** Index of the observed word in `set.members`. */
  observed: number;
  /**
   * The site key: set id, eligible-subset tag and context. It is the HMAC message, and the unit the verifier
   * counts once however often it repeats.
   */
  key: string;
}

/** The site at a word, or null when the word is no lexicon word or its set's rules exclude this occurrence. */
export function siteOf(lex: Lexicon, w: WordEvent): Site | null {
  const set = lex.byWord.get(w.word);
  if (set === undefined) return null;
  if (set.comma && !w.trail.startsWith(',')) return null;
  if (set.bare && w.trail !== '') return null;
  if (set.lower && w.caseKind !== 'lower') return null;
  if (w.prev !== null && set.notAfter.has(w.prev)) return null;
  const { idx, tag } = eligible(set, w.word, w.prev);
  if (idx.length < 2) return null;
  const observed = set.members.indexOf(w.word);
  return { set, idx, observed, key: `${set.id}\u001f${tag}\u001f${w.prev ?? '#'}${w.sep}` };
}

/** Null-hypothesis hit probability of observing member `m` at a site: its weight among the eligible members. */
export function nullHitProbability(site: Site, m: number = site.observed): number {
  let total = 0;
  for (const i of site.idx) total += site.set.weights[i]!;
  return site.set.weights[m]! / total;
}
