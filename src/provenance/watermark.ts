/**
 * The watermarker: rewrites lexicon words to the keyed choice for their context, within a budget on the share
 * of words changed. Whole texts and streams give the same output (the scanner never looks ahead).
 *
 *   const wm = createWatermarker(key, { maxChangeRate: 0.05 });
 *   wm.text('It is a big step.');            // whole text
 *   const s = wm.stream();                   // streamed text
 *   out += s.push(delta); ...; out += s.end();
 */
import { defaultLexicon, type Lexicon } from './lexicon.js';
import { KeyedChooser, type WatermarkKey } from './key.js';
import { Scanner, type Edit, type WordEvent } from './scanner.js';
import { siteOf } from './sites.js';

export interface WatermarkOptions {
  /**
   * Upper bound on changed words / prose words, enforced as the text goes (a change is made only if it keeps
   * the share of the words so far at or under the bound). Default 0.05.
   */
  maxChangeRate?: number;
  /** The word table (default: the built-in lexicon). */
  lexicon?: Lexicon;
}

/** What one text (or stream) went through. */
export interface WatermarkStats {
  /** Prose chunks seen (code, spans and code lines excluded). */
  words: number;
  /** Watermark sites (lexicon words in a usable context). */
  sites: number;
  /** Sites already holding the keyed choice. */
  kept: number;
  /** Sites rewritten to the keyed choice. */
  changed: number;
  /** Sites left unmarked because the change budget was spent. */
  denied: number;
  /** changed / words (0 for no words). */
  changedShare: number;
}

export interface WatermarkStream {
  /** Feeds a text delta; returns the watermarked text that is final so far (possibly ""). */
  push(delta: string): string;
  /** Ends the stream; returns the held-back rest. */
  end(): string;
  /** Figures so far. */
  stats(): WatermarkStats;
  /** The replacements made so far, in input offsets (to move annotation offsets of streamed text). */
  edits(): readonly Edit[];
}

export interface Watermarker {
  readonly keyId: string;
  /** Watermarks a whole text. */
  text(s: string): string;
  /** Watermarks a whole text and returns its figures and edits (input offsets, for moving annotations). */
  textWithStats(s: string): { text: string; stats: WatermarkStats; edits: Edit[] };
  /** A fresh stream (one per text: a response block, a message). */
  stream(): WatermarkStream;
}

export const DEFAULT_MAX_CHANGE_RATE = 0.05;

export function createWatermarker(key: WatermarkKey, opts: WatermarkOptions = {}): Watermarker {
  const lex = opts.lexicon ?? defaultLexicon();
  const rate = opts.maxChangeRate ?? DEFAULT_MAX_CHANGE_RATE;
  if (!(rate >= 0 && rate <= 1)) throw new RangeError('maxChangeRate must be in [0, 1]');
  const chooser = new KeyedChooser(key);

  function open(trackEdits: boolean): { scanner: Scanner; stats: () => WatermarkStats } {
    let sites = 0;
    let kept = 0;
    let changed = 0;
    let denied = 0;
    const hook = (w: WordEvent): string | null => {
      const site = siteOf(lex, w);
      if (site === null) return null;
      sites++;
      const want = chooser.pick(site.key, site.idx, site.set.weights);
      if (want === site.observed) {
        kept++;
        return null;
      }
      if (changed + 1 > rate * w.words) {
        denied++;
        return null;
      }
      changed++;
      return site.set.members[want]!;
    };
    const scanner = new Scanner(hook, trackEdits);
    const stats = (): WatermarkStats => ({
      words: scanner.words,
      sites,
      kept,
      changed,
      denied,
      changedShare: scanner.words === 0 ? 0 : changed / scanner.words,
    });
    return { scanner, stats };
  }

  return {
    keyId: key.id,
    text(s: string): string {
      const { scanner } = open(false);
      return scanner.push(s) + scanner.end();
    },
    textWithStats(s: string) {
      const { scanner, stats } = open(true);
      const text = scanner.push(s) + scanner.end();
      return { text, stats: stats(), edits: scanner.edits ?? [] };
    },
    stream(): WatermarkStream {
      // Edits are tracked (one small record per changed word, at most maxChangeRate of the words).
      const { scanner, stats } = open(true);
      let ended = false;
      return {
        push(delta: string): string {
          if (ended) throw new Error('watermark stream: push after end');
          return scanner.push(delta);
        },
        end(): string {
          if (ended) return '';
          ended = true;
          return scanner.end();
        },
        stats,
        edits: () => scanner.edits ?? [],
      };
    },
  };
}
