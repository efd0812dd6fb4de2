/**
 * Test helpers: random texts mixing prose full of lexicon words with spans the watermark must not touch, with
 * the protected ranges recorded (input offsets).
 */
import { defaultLexicon } from './lexicon.js';
import type { Rng } from './rng.js';

const FILLER = ['the', 'code', 'it', 'is', 'we', 'a', 'and', 'to', 'of', 'this', 'that', 'when', 'you', 'data', 'in', 'for', 'can', 'run'];

export interface MixedText {
  text: string;
  /** [start, end) ranges that must come out unchanged. */
  protectedRanges: Array<[number, number]>;
}

/** A prose sentence dense with lexicon words (some capitalised, some with commas). */
export function proseSentence(rng: Rng, words = 12): string {
  const members = defaultLexicon().sets.flatMap((s) => s.members);
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    let w = rng.chance(0.5) ? rng.pick(members) : rng.pick(FILLER);
    if (i === 0 || rng.chance(0.05)) w = w[0]!.toUpperCase() + w.slice(1);
    if (rng.chance(0.1)) w += ',';
    out.push(w);
  }
  return out.join(' ') + rng.pick(['.', '!', '?', ':']);
}

const SPANS: Array<(rng: Rng, s: () => string) => { pre: string; span: string; post: string }> = [
  (rng, s) => ({ pre: '\n\n', span: '```' + rng.pick(['', 'python', 'js']) + '\n' + s() + '\n  ' + s() + '\n```', post: '\n' }),
  (rng, s) => ({ pre: '\n', span: '~~~~\n' + s() + '\n```\nstill code ' + s() + '\n~~~~', post: '\n' }),
  (_rng, s) => ({ pre: ' ', span: '`' + s() + '`', post: ' ' }),
  (_rng, s) => ({ pre: ' ', span: '``with `tick` ' + s().slice(0, 30) + '``', post: ' ' }),
  (rng, s) => ({ pre: ' ', span: JSON.stringify({ [rng.pick(['big', 'also', 'using'])]: s(), list: [s().slice(0, 20), 3], nested: { ok: 'large }' } }), post: ' ' }),
  (rng) => ({ pre: ' ', span: '[' + rng.pick(['big', 'large', 'also']) + ', "help", 2]', post: ' ' }),
  (rng) => ({ pre: ' ', span: rng.pick(['https://example.com/big/also?q=large', 'http://use.large.org/path#big', 'www.big.com/also', 'ftp://files.net/large']), post: ' ' }),
  (rng) => ({ pre: ' ', span: rng.pick(['large.big@also.org', 'also@example.com', 'big_user@large.io']), post: ' ' }),
  (rng) => ({ pre: ' ', span: rng.pick(['3.5', '1,000', '42', '-7', '2e10', '0x1F', '99%', '$12']), post: ' ' }),
  (_rng, s) => ({ pre: '\n', span: '    ' + s(), post: '\n' }),
  (_rng, s) => ({ pre: '\n', span: '\tindented ' + s(), post: '\n' }),
  (rng) => ({ pre: ' ', span: rng.pick(['also_big', 'big.large', 'use(big)', 'big-large', 'caf\u00e9', 'BIG', 'mixedCase', 'large/also']), post: ' ' }),
  (_rng, s) => ({ pre: '\n', span: 'x = ' + s(), post: '\n' }),
  (_rng, s) => ({ pre: '\n', span: 'return ' + s(), post: '\n' }),
  (_rng, s) => ({ pre: ' ', span: '<span class="big">' + s() + '</span>', post: '\n' }),
];

/** Prose sentences interleaved with protected spans (and the odd emoji). */
export function mixedText(rng: Rng, pieces = 12): MixedText {
  let text = '';
  const protectedRanges: Array<[number, number]> = [];
  const s = () => proseSentence(rng, 4 + rng.int(8));
  for (let i = 0; i < pieces; i++) {
    if (rng.chance(0.5)) {
      text += (text === '' ? '' : rng.pick([' ', '\n', '\n\n'])) + s() + (rng.chance(0.1) ? ' \u{1F600}' : '');
    } else {
      const { pre, span, post } = rng.pick(SPANS)(rng, s);
      text += pre;
      protectedRanges.push([text.length, text.length + span.length]);
      text += span + post;
    }
  }
  return { text, protectedRanges };
}

/** Splits a text into random chunks (sizes 1 to max). */
export function randomChunks(rng: Rng, text: string, max = 9): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; ) {
    const n = 1 + rng.int(max);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}
