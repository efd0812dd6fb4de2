/**
 * Shared text preparation and character helpers for the per-interaction text signals.
 *
 * Every signal works on one prepared form of the text: a bounded window (head + tail: wrappers and instructions sit at
 * the edges of a prompt, pasted content in the middle), NFKC-normalised only when it has non-ASCII characters, and
 * lower-cased. Whitespace is not collapsed (that costs a full copy); matchers treat any run of whitespace, '-' or '_'
 * as one space instead. Everything here is allocation-light: it runs once per record in the ingest hot path.
 */

/** Characters kept from the start and the end of a long text. A text up to HEAD + TAIL is kept whole. */
export const HEAD = 1024;
export const TAIL = 512;

/** The window of a text that signals look at, NFKC-normalised (when needed) and lower-cased. */
export function prepare(s: string, head = HEAD, tail = TAIL): string {
  let w = s.length > head + tail ? s.slice(0, head) + '\n' + s.slice(s.length - tail) : s;
  for (let i = 0; i < w.length; i++) {
    if (w.charCodeAt(i) > 0x7f) {
      w = w.normalize('NFKC');
      break;
    }
  }
  return w.toLowerCase();
}

/** Word characters below 128: ASCII letters and digits. */
const ASCII_WORD = new Uint8Array(128);
for (let c = 48; c <= 57; c++) ASCII_WORD[c] = 1;
for (let c = 65; c <= 90; c++) ASCII_WORD[c] = 1;
for (let c = 97; c <= 122; c++) ASCII_WORD[c] = 1;

/** Whether a UTF-16 code unit belongs to a word (letters, digits, marks of any script; not punctuation or symbols). */
export function isWordCode(c: number): boolean {
  if (c < 128) return ASCII_WORD[c] === 1;
  if (c <= 0xbf || c === 0xd7 || c === 0xf7) return false; // Latin-1 punctuation and symbols
  if (c >= 0x2000 && c <= 0x2bff) return false; // general punctuation, arrows, maths, box drawing
  if (c >= 0x3000 && c <= 0x303f) return false; // CJK punctuation
  if (c >= 0xfe30 && c <= 0xfe4f) return false;
  if (c >= 0xff01 && c <= 0xff0f) return false;
  return true;
}

/**
 * Scripts written without spaces between words (Han, Kana, Thai), plus Hangul, whose particles attach to the word:
 * phrases in these scripts match anywhere, without word-boundary checks.
 */
export function isNoBoundary(c: number): boolean {
  return (c >= 0x2e80 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0x0e00 && c <= 0x0e7f) || (c >= 0x1100 && c <= 0x11ff);
}

/** Character classes of every UTF-16 code unit, precomputed: bit 1 word, bit 2 no-boundary script, bit 4 separator. */
export const CLS = new Uint8Array(65536);
for (let c = 0; c < 65536; c++) CLS[c] = (isWordCode(c) ? 1 : 0) | (isNoBoundary(c) ? 2 : 0) | (isSep(c) ? 4 : 0);

/** Separators a space in a lexicon phrase matches: whitespace, '-' and '_' (so "step-by-step" = "step by step"). */
export function isSep(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 45 || c === 95 || c === 0x3000;
}

export { fmix32 as fmix, hex32 as hex8 } from '../../util/hash.js';

/** FNV-1a over the code units of a string (used to hash vocabulary words the way the tokenizer hashes tokens). */
export function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Lexicon phrases are normalised as texts are: NFKC, lower case, single spaces. */
export function normPhrase(p: string): string {
  return p.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

