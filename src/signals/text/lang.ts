/**
 * Language guess: script counts from the scan (Han, Kana, Hangul, Cyrillic, Arabic, Devanagari, Thai, ...) decide
 * non-Latin languages; for Latin script, distinct stop words per language (one list each, words shared by several
 * languages left out) decide, with Vietnamese recognised by its letters. 'und' when the text is too short, mixed
 * without a clear majority, or Latin without enough stop words.
 */
import type { SignalMeta } from '../types.js';
import { C, Lexicon, ScanResult, type PhraseList } from './scanner.js';
import { prepare } from './prep.js';

/** Stop words per Latin-script language; ambiguous words (de, la, a, e, da, mi, ...) are deliberately absent. */
export const LANG_STOPWORDS: Readonly<Record<string, string>> = {
  en: 'the and is are of to in on you your what how with this that for it can my me does from be an or if not by using get please why when which there have has will would should',
  es: 'el los las que y por para una con del cómo qué está lo se su pero muy también puedes dame',
  fr: 'le les des est et une pour dans avec vous je pas ce qui du sur au tu peux mon cette',
  de: 'der die das und ist nicht ein eine zu mit ich sie wie auf für wir sind dem den kannst bitte',
  pt: 'os um uma não com você são isso mais muito ao pelo pela seu sua também',
  it: 'il gli che è della sono come questo anche ho alla nel delle puoi',
  nl: 'het een van niet dat op voor ik zijn wat hoe maar dit wordt kun',
  pl: 'się nie jest że na jak czy w z mnie jestem oraz tak',
  tr: 've bir bu için ile çok değil gibi olarak nasıl daha ama nedir',
  vi: 'và của là có không trong được những các cho một này tôi bạn',
  id: 'dan yang di ke dari ini itu untuk dengan tidak adalah apa saya bisa',
};

export const LANG_GROUPS: ReadonlyArray<readonly [string, PhraseList]> = Object.entries(LANG_STOPWORDS).map(
  ([lang, words]) => [lang, words.split(' ').map((w) => [w, 1] as const)] as const,
);

/** Group indices of the stop-word groups in a lexicon, by language. */
export type LangGroups = ReadonlyArray<readonly [string, number]>;

/** Decides the language from a scan of the text. */
export function guessLang(r: ScanResult, groups: LangGroups): string {
  const k = r.counts;
  const latin = k[C.letter]! + k[C.latinExt]! + k[C.vietnamese]!;
  // CJK characters carry about a word each: weight them up against alphabetic letters.
  const scripts: Array<[string, number]> = [
    ['latin', latin],
    ['ko', 3 * k[C.hangul]!],
    ['ja', k[C.kana]! > 0 ? 3 * (k[C.kana]! + k[C.han]!) : 0],
    ['zh', k[C.kana]! > 0 ? 0 : 3 * k[C.han]!],
    ['ru', k[C.cyrillic]!],
    ['ar', k[C.arabic]! + k[C.persian]!],
    ['hi', k[C.devanagari]!],
    ['bn', k[C.bengali]!],
    ['ta', k[C.tamil]!],
    ['th', k[C.thai]!],
    ['el', k[C.greek]!],
    ['he', k[C.hebrew]!],
    ['ka', k[C.georgian]!],
    ['hy', k[C.armenian]!],
  ];
  let best = scripts[0]!;
  let total = 0;
  for (const s of scripts) {
    total += s[1];
    if (s[1] > best[1]) best = s;
  }
  if (total < 4 || best[1] < 0.5 * total) return 'und';
  if (best[0] === 'ar') return k[C.persian]! >= 2 && k[C.persian]! * 20 >= k[C.arabic]! ? 'fa' : 'ar';
  if (best[0] === 'ja' && k[C.kana]! * 10 < k[C.han]!) return 'zh';
  if (best[0] !== 'latin') return best[0];
  if (k[C.vietnamese]! >= 3) return 'vi';
  let top = 'und';
  let topHits = 0;
  let second = 0;
  for (const [lang, g] of groups) {
    const h = r.hits[g]!;
    if (h > topHits) {
      second = topHits;
      topHits = h;
      top = lang;
    } else if (h > second) second = h;
  }
  if (topHits >= 2 && topHits >= 1.5 * second) return top;
  if (topHits === 1 && second === 0 && latin < 60) return top;
  return 'und';
}

export const LANG_META: SignalMeta = {
  id: 'text.language',
  title: 'Prompt language',
  rationale:
    'Distillation campaigns run the same wrappers translated into many languages; a language mix per account or ' +
    'cluster that differs from the account\'s history, or one wrapper seen in many languages, is evidence at the cluster level.',
  falsePositives: ['Multilingual users and translation work: language alone never indicates distillation.'],
  references: ['https://en.wikipedia.org/wiki/Unicode_block', 'https://www.iso.org/iso-639-language-code'],
  level: 'interaction',
};

let own: { lex: Lexicon; groups: LangGroups; out: ScanResult } | null = null;

/** Standalone language guess of one text (textSignals uses the shared combined scan instead). */
export function detectLang(text: string | null): string {
  if (!text) return 'und';
  if (own === null) {
    const lex = new Lexicon();
    const groups = LANG_GROUPS.map(([lang, list]) => [lang, lex.addGroup(`lang.${lang}`, list)] as const);
    own = { lex, groups, out: new ScanResult(lex.groups.length) };
  }
  return guessLang(own.lex.scan(prepare(text), own.out), own.groups);
}
