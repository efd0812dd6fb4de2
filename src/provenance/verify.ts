/**
 * Verification: is a suspect's text marked with our key? Collect the watermark sites of the texts (no key
 * needed), count each distinct site key once (the member seen most often there; ties go to the first member,
 * a key-independent rule), then test the hits against H0 with `hitTest`. Counting distinct (set, context)
 * keys once keeps the test valid on repetitive or templated text: a sentence repeated 1,000 times adds nothing.
 */
import { defaultLexicon, type Lexicon } from './lexicon.js';
import { KeyedChooser, type WatermarkKey } from './key.js';
import { Scanner } from './scanner.js';
import { nullHitProbability, siteOf, type Site } from './sites.js';
import { hitTest, type SiteGroup, type TestResult } from './stats.js';

export interface VerifyReport extends TestResult {
  keyId: string;
  /** Texts read. */
  texts: number;
  /** Prose words scanned. */
  words: number;
  /** Site occurrences before counting each site key once. */
  occurrences: number;
  /** hits / sites. */
  hitRate: number;
  /** Mean null hit probability of the distinct sites (expected / sites). */
  nullRate: number;
  /** Distinct sites where more than one member was seen (votes were needed). */
  mixed: number;
}

/** The sites of one text, in order, and its prose word count. */
export interface ScannedText {
  sites: Site[];
  words: number;
}

/** Scans one text for watermark sites (no key involved). */
export function scanText(text: string, lex: Lexicon = defaultLexicon()): ScannedText {
  const sites: Site[] = [];
  const scanner = new Scanner((w) => {
    const site = siteOf(lex, w);
    if (site !== null) sites.push(site);
    return null;
  });
  scanner.push(text);
  scanner.end();
  return { sites, words: scanner.words };
}

interface Tally {
  site: Site;
  counts: number[];
}

/** The watermark sites of a body of text, ready to be scored against any key. */
export class SiteTally {
  private readonly byKey = new Map<string, Tally>();
  texts = 0;
  words = 0;
  occurrences = 0;

  constructor(private readonly lex: Lexicon = defaultLexicon()) {}

  /** Adds one text. */
  add(text: string): this {
    return this.addScanned(scanText(text, this.lex));
  }

  /** Adds a text scanned before (to score many subsets of a pool of texts without scanning them again). */
  addScanned(t: ScannedText): this {
    for (const site of t.sites) {
      this.occurrences++;
      let e = this.byKey.get(site.key);
      if (e === undefined) this.byKey.set(site.key, (e = { site, counts: new Array<number>(site.set.members.length).fill(0) }));
      e.counts[site.observed]!++;
    }
    this.texts++;
    this.words += t.words;
    return this;
  }

  /** Distinct site keys seen. */
  get sites(): number {
    return this.byKey.size;
  }

  /** Mean null hit probability over the distinct sites. */
  nullRate(): number {
    let s = 0;
    for (const t of this.byKey.values()) s += nullHitProbability(t.site, vote(t));
    return this.byKey.size === 0 ? 0 : s / this.byKey.size;
  }

  /** Tests the tallied sites against a key. */
  score(key: WatermarkKey): VerifyReport {
    const chooser = new KeyedChooser(key);
    const groups = new Map<number, SiteGroup>();
    let hits = 0;
    let mixed = 0;
    for (const t of this.byKey.values()) {
      const seen = vote(t);
      if (t.counts.filter((c) => c > 0).length > 1) mixed++;
      const p = nullHitProbability(t.site, seen);
      const rounded = Math.round(p * 1e12) / 1e12;
      let g = groups.get(rounded);
      if (g === undefined) groups.set(rounded, (g = { n: 0, p }));
      g.n++;
      if (chooser.pick(t.site.key, t.site.idx, t.site.set.weights) === seen) hits++;
    }
    const r = hitTest([...groups.values()], hits);
    return {
      keyId: key.id,
      texts: this.texts,
      words: this.words,
      occurrences: this.occurrences,
      hitRate: r.sites === 0 ? 0 : hits / r.sites,
      nullRate: r.sites === 0 ? 0 : r.expected / r.sites,
      mixed,
      ...r,
    };
  }
}

/** The member voted for at a site: most occurrences, ties to the lowest index. */
function vote(t: Tally): number {
  let best = t.site.idx[0]!;
  for (const i of t.site.idx) if (t.counts[i]! > t.counts[best]!) best = i;
  // A member outside the eligible subset cannot be observed (the subset follows the observed word).
  return best;
}

/** Verifies texts against a key in one call. */
export function verifyTexts(key: WatermarkKey, texts: Iterable<string>, lex?: Lexicon): VerifyReport {
  const tally = new SiteTally(lex);
  for (const t of texts) tally.add(t);
  return tally.score(key);
}
