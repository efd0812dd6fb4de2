/**
 * Prompt-template fingerprints: the same wrapper around different tasks gives the same `template`, and paraphrased
 * or reordered wrappers share MinHash LSH band keys (`lsh`).
 *
 * Approach (cheap enough for the ingest hot path: one pass over at most ~650 characters, no strings built):
 * 1. Window: the first 400 and last 250 characters of the prepared text (NFKC, lower case; prep.ts). Wrappers are
 *    prefixes and suffixes; a long middle is task content and becomes one gap.
 * 2. Tokens: words (FNV-1a hashed while scanning), one token per CJK/Kana/Hangul/Thai character. Numbers, URLs,
 *    code fences and quoted strings become content placeholders. Segments end at newlines and at '.', '?', '!',
 *    ':', ';' (and CJK equivalents) followed by a space or the end.
 * 3. Frame vocabulary: stop words (kept, neutral) and instruction/meta words (kept, they mark a wrapper: answer,
 *    question, step, reasoning, rubric, score, response, explain, format, ... in several languages, plus every word
 *    of the cot and rubric lexicons). Any other word is task content.
 * 4. Skeleton: a segment with fewer than two meta words (one suffices in a segment of up to 4 tokens, "Task:") is
 *    task content and becomes one '_'; in a wrapper segment,
 *    content words become '_' (runs collapse). So "Think step by step: <any question>" -> "think step by step | _".
 * 5. `template`: 64-bit hash (16 hex) of the skeleton, or null when it has fewer than 3 meta words or 4 frame words
 *    (no discernible wrapper: most organic prompts). `lsh`: MinHash (24 functions, fixed seeds) over the skeleton's
 *    token bigrams that contain a meta word, banded 12 x 2 into 12 keys "<band><8 hex>"; empty when `template` is null.
 * A paraphrase that swaps a few words or reorders sentences keeps most bigrams and so shares a band with high
 * probability; unrelated prompts share few bigrams of meta words and rarely do (rates measured in template.test.ts).
 */
import type { SignalMeta } from '../types.js';
import { COT_PHRASES } from './cot.js';
import { RUBRIC_PHRASES } from './rubric.js';
import { LANG_STOPWORDS } from './lang.js';
import { CLS, fmix, hex8, prepare } from './prep.js';

const T_HEAD = 400;
const T_TAIL = 250;
const MAX_TOKENS = 256;
export const MINHASH_K = 24;
export const LSH_BANDS = 12;
const ROWS = MINHASH_K / LSH_BANDS;

/** Token kinds. */
const WORD = 0;
const CONTENT = 1; // placeholder: number, URL, code, quote, gap
const BOUNDARY = 2; // end of a segment

/** Special token hashes. */
const H_GAP = 0x5f5f5f5f; // '_'
const H_BOUND = 0x7c7c7c7c; // '|'

// Token buffers, reused (the function is synchronous and never re-entered).
const tokHash = new Uint32Array(MAX_TOKENS);
const tokKind = new Uint8Array(MAX_TOKENS);
/** 1 for a single-character Han/Kana/Thai token. */
const tokCjk = new Uint8Array(MAX_TOKENS);
let nTok = 0;

function push(kind: number, h: number, cjk = 0): void {
  if (nTok >= MAX_TOKENS) return;
  // Collapse repeated placeholders and boundaries.
  if (nTok > 0 && kind !== WORD && tokKind[nTok - 1] === kind) return;
  tokKind[nTok] = kind;
  tokHash[nTok] = h;
  tokCjk[nTok] = cjk;
  nTok++;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 0x3000;
}

/** Tokenizes t[from, to) into the token buffers (appending). */
function tokenize(t: string, from: number, to: number): void {
  let h = 0x811c9dc5;
  let len = 0;
  let digits = 0;
  const endWord = () => {
    if (len > 0) {
      if (digits === len) push(CONTENT, H_GAP);
      else push(WORD, h >>> 0 || 1);
    }
    h = 0x811c9dc5;
    len = 0;
    digits = 0;
  };
  let i = from;
  while (i < to) {
    const c = t.charCodeAt(i);
    const cl = CLS[c]!;
    if ((cl & 1) !== 0) {
      // Han, Kana and Thai: one token per character. Hangul is written with spaces: words, like Latin.
      if ((cl & 2) !== 0 && !(c >= 0xac00 && c <= 0xd7af) && !(c >= 0x1100 && c <= 0x11ff)) {
        endWord();
        push(WORD, fmix(c + 0x1000193), 1);
        i++;
        continue;
      }
      h = Math.imul(h ^ c, 0x01000193);
      len++;
      if (c >= 48 && c <= 57) digits++;
      i++;
      continue;
    }
    // URL: the word just read is http/https/www followed by ':' or '.': skip to whitespace.
    if ((c === 58 || c === 46) && len >= 3 && t.startsWith('//', i + 1) === (c === 58) && isUrlHead(t, i - len, len)) {
      len = 0;
      while (i < to && !isSpace(t.charCodeAt(i))) i++;
      push(CONTENT, H_GAP);
      continue;
    }
    endWord();
    if (c === 96 && t.startsWith('```', i)) {
      const close = t.indexOf('```', i + 3);
      i = close < 0 || close >= to ? to : close + 3;
      push(CONTENT, H_GAP);
      continue;
    }
    if (c === 34 || c === 0x201c || c === 0xab) {
      const closeCh = c === 34 ? 34 : c === 0x201c ? 0x201d : 0xbb;
      let j = i + 1;
      const lim = Math.min(to, i + 300);
      while (j < lim && t.charCodeAt(j) !== closeCh) j++;
      if (j < lim) {
        push(CONTENT, H_GAP);
        i = j + 1;
        continue;
      }
    }
    if (c === 10 || c === 0x3002 || c === 0xff1f || c === 0xff01 || c === 0xff1a || c === 0xff1b) push(BOUNDARY, H_BOUND);
    else if (c === 46 || c === 63 || c === 33 || c === 58 || c === 59) {
      const n = i + 1 < to ? t.charCodeAt(i + 1) : 32;
      if (isSpace(n)) push(BOUNDARY, H_BOUND);
    }
    i++;
  }
  endWord();
}

function isUrlHead(t: string, at: number, len: number): boolean {
  return (len === 4 && t.startsWith('http', at)) || (len === 5 && t.startsWith('https', at)) || (len === 3 && t.startsWith('www', at));
}

// ---- Frame vocabulary: an open-addressing hash set of token hashes with a kind (1 stop, 2 meta, 3 meta CJK char). ----

const VOCAB_SIZE = 1 << 13;
const vocabKey = new Uint32Array(VOCAB_SIZE);
const vocabKind = new Uint8Array(VOCAB_SIZE);

function vocabGet(h: number): number {
  let i = fmix(h) & (VOCAB_SIZE - 1);
  for (;;) {
    const k = vocabKey[i]!;
    if (k === 0) return 0;
    if (k === h) return vocabKind[i]!;
    i = (i + 1) & (VOCAB_SIZE - 1);
  }
}

function vocabSet(h: number, kind: number): void {
  let i = fmix(h) & (VOCAB_SIZE - 1);
  while (vocabKey[i] !== 0 && vocabKey[i] !== h) i = (i + 1) & (VOCAB_SIZE - 1);
  // Stop words win over meta words ("the", "your" inside lexicon phrases stay neutral).
  if (vocabKey[i] === h && vocabKind[i] === 1) return;
  vocabKey[i] = h;
  vocabKind[i] = kind;
}

/** Adds every word token of `text` to the vocabulary. */
function addWords(text: string, kind: number): void {
  nTok = 0;
  const p = prepare(text);
  tokenize(p, 0, p.length);
  // A meta character of Han/Kana text is weaker evidence than a meta word: kind 3 (counts half).
  for (let i = 0; i < nTok; i++) if (tokKind[i] === WORD) vocabSet(tokHash[i]!, kind === 2 && tokCjk[i] === 1 ? 3 : kind);
  nTok = 0;
}

/** Extra stop words (shared by several languages, or too short for the language lists) and CJK function characters. */
const EXTRA_STOP =
  'a i de la e da mi ne do en es o y à al no se me te si un as at so was were been am its our we they them their these those then than ' +
  'about into over such any all some more most other also just only very own same can could may might must shall ' +
  'which who whom whose where when why each both two one three few many much list words number text new use using ' +
  '的 了 是 在 我 你 他 她 它 们 这 那 和 与 吗 呢 吧 啊 也 都 就 个 一 不 有 を は が の に で と て た し ま す で も な か 이 그 저 수 것 좀 및 더';

/** Instruction / wrapper vocabulary beyond the cot and rubric lexicons (several languages). */
const META_WORDS =
  'answer answers answering question questions task tasks instruction instructions prompt prompts step steps reasoning reason think ' +
  'thinking thought thoughts explain explanation explanations following below above given response responses output input inputs format ' +
  'formatted provide write generate respond reply solution detailed carefully careful final finally please ensure ' +
  'summarize rewrite rewritten concise json markdown assistant user ai model system role act pretend expert helpful ' +
  'harmless honest faithfully justify verify evaluate evaluation score grade rate rating rubric criteria judge ' +
  'imagine articulate reconstruct internal trace chain logical conclusion hypotheses hypothesis intermediate ' +
  'respuesta pregunta paso pasos tarea explica escribe genera proporciona siguiente razona piensa ' +
  'réponse question étape étapes tâche explique écris génère fournis suivant réfléchis ' +
  'antwort frage schritt schritte aufgabe erkläre schreibe erzeuge folgende denke ' +
  'resposta pergunta passo passos tarefa explique escreva gere forneça seguinte pense ' +
  'risposta domanda passo compito spiega scrivi genera fornisci seguente pensa ' +
  'ответ вопрос шаг шаги задача объясни напиши сгенерируй следующий подумай рассуждай ' +
  'cevap soru adım görev açıkla yaz üret aşağıdaki düşün ' +
  'câu trả lời hỏi bước nhiệm vụ giải thích viết tạo sau suy nghĩ ' +
  'jawaban pertanyaan langkah tugas jelaskan tulis buat berikut pikirkan ' +
  'odpowiedź pytanie krok kroki zadanie wyjaśnij napisz wygeneruj następujący pomyśl ' +
  'antwoord vraag stap stappen taak leg uit schrijf genereer volgende denk ' +
  '答 问 题 步 骤 推 理 思 考 解 释 请 回 写 出 给 定 任 务 下 列 格 式 输 评 分 ' +
  '答 問 題 手 順 推 論 考 説 明 書 以 下 形 式 評 価 ' +
  '답변 답변을 질문 질문에 단계 단계별로 추론 생각 설명 설명해 작성 작성해 다음 다음의 평가 평가해';

let vocabReady = false;
function ensureVocab(): void {
  if (vocabReady) return;
  vocabReady = true;
  for (const words of Object.values(LANG_STOPWORDS)) addWords(words, 1);
  addWords(EXTRA_STOP, 1);
  addWords(META_WORDS, 2);
  for (const [p] of COT_PHRASES) addWords(p.replace('*', ''), 2);
  for (const [p] of RUBRIC_PHRASES) addWords(p.replace('*', ''), 2);
}

// ---- MinHash ----

/** Fixed seeds of the MinHash functions: v = mix(x ^ B_i) * A_i (A_i odd). */
const MH_A = new Uint32Array(MINHASH_K);
const MH_B = new Uint32Array(MINHASH_K);
{
  let s = 0x2545f491;
  for (let i = 0; i < MINHASH_K; i++) {
    s = fmix(s + 0x9e3779b9);
    MH_A[i] = s | 1;
    s = fmix(s + 0x9e3779b9);
    MH_B[i] = s;
  }
}
const mins = new Uint32Array(MINHASH_K);
const skel = new Uint32Array(MAX_TOKENS);
/** 1 where the skeleton token is a meta word. */
const skelMeta = new Uint8Array(MAX_TOKENS);

export interface TemplateResult {
  template: string | null;
  lsh: string[];
}

const EMPTY: TemplateResult = { template: null, lsh: [] };

/** Minimum raw prompt length for a skeleton to mean anything. */
const MIN_CHARS = 20;

/**
 * Template fingerprint and LSH band keys of a prompt. `prepared` is the prompt after prep.ts `prepare` (the caller
 * usually has it already); when omitted it is computed.
 */
export function templateOf(prompt: string | null, prepared?: string): TemplateResult {
  if (prompt === null || prompt.length < MIN_CHARS) return EMPTY;
  ensureVocab();
  const t = prepared ?? prepare(prompt);
  nTok = 0;
  if (t.length <= T_HEAD + T_TAIL) tokenize(t, 0, t.length);
  else {
    // Cut at whitespace so that no word is split differently for different tasks.
    let a = T_HEAD;
    while (a > T_HEAD - 40 && !isSpace(t.charCodeAt(a))) a--;
    let b = t.length - T_TAIL;
    while (b < t.length - T_TAIL + 40 && !isSpace(t.charCodeAt(b))) b++;
    tokenize(t, 0, a);
    push(CONTENT, H_GAP);
    tokenize(t, b, t.length);
  }
  // Skeleton, segment by segment.
  let nSk = 0;
  let meta = 0;
  let frame = 0;
  let segStart = 0;
  const emit = (h: number, isMeta: number) => {
    if (h === H_GAP && nSk > 0 && skel[nSk - 1] === H_GAP) return;
    skelMeta[nSk] = isMeta;
    skel[nSk++] = h;
  };
  for (let i = 0; i <= nTok; i++) {
    if (i < nTok && tokKind[i] !== BOUNDARY) continue;
    // Segment [segStart, i).
    let segMeta = 0;
    for (let j = segStart; j < i; j++) {
      if (tokKind[j] !== WORD) continue;
      const kind = vocabGet(tokHash[j]!);
      if (kind === 2) segMeta += 1;
      else if (kind === 3) segMeta += 0.5;
    }
    // A wrapper segment: two meta words, or one in a short segment ("Task:", "### Response:").
    if (segMeta < 2 && !(segMeta > 0 && i - segStart <= 4)) {
      if (i > segStart) emit(H_GAP, 0);
    } else {
      meta += segMeta;
      for (let j = segStart; j < i; j++) {
        const kind = tokKind[j] === WORD ? vocabGet(tokHash[j]!) : 0;
        if (kind === 0) emit(H_GAP, 0);
        else {
          emit(tokHash[j]!, kind >= 2 ? 1 : 0);
          frame++;
        }
      }
      if (i < nTok) emit(H_BOUND, 0);
    }
    segStart = i + 1;
  }
  if (meta < 3 || frame < 4) return EMPTY;
  // Template hash: two independent 32-bit hashes of the skeleton.
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let i = 0; i < nSk; i++) {
    const x = skel[i]!;
    h1 = Math.imul(h1 ^ x, 0x01000193);
    h2 = Math.imul(h2 ^ fmix(x ^ 0x5bd1e995), 0x27d4eb2d);
  }
  const template = hex8(fmix(h1 ^ nSk)) + hex8(fmix(h2));
  // MinHash over skeleton bigrams that contain a meta word (bigrams of stop words and gaps are everywhere).
  mins.fill(0xffffffff);
  for (let i = 1; i < nSk; i++) {
    if (skelMeta[i - 1] === 0 && skelMeta[i] === 0) continue;
    const x = fmix(Math.imul(skel[i - 1]!, 0x9e3779b1) ^ skel[i]!);
    for (let k = 0; k < MINHASH_K; k++) {
      let v = Math.imul(x ^ MH_B[k]!, MH_A[k]!);
      v = (v ^ (v >>> 15)) >>> 0;
      if (v < mins[k]!) mins[k] = v;
    }
  }
  const lsh: string[] = new Array<string>(LSH_BANDS);
  for (let b = 0; b < LSH_BANDS; b++) {
    let h = 0x811c9dc5 ^ b;
    for (let r = 0; r < ROWS; r++) h = Math.imul(h ^ mins[b * ROWS + r]!, 0x01000193);
    lsh[b] = b.toString(16) + hex8(fmix(h));
  }
  return { template, lsh };
}

/** Skeleton of a prompt as readable text (for tests and explanations; not used on the hot path). */
export function skeletonText(prompt: string): string {
  ensureVocab();
  const t = prepare(prompt);
  const words = new Map<number, string>();
  for (const w of t.split(/[^\p{L}\p{N}]+/u)) {
    let h = 0x811c9dc5;
    for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 0x01000193);
    words.set(h >>> 0 || 1, w);
  }
  nTok = 0;
  tokenize(t, 0, Math.min(t.length, T_HEAD));
  const out: string[] = [];
  for (let i = 0; i < nTok; i++) {
    const k = tokKind[i]!;
    if (k === BOUNDARY) out.push('|');
    else if (k === CONTENT) out.push('_');
    else out.push(vocabGet(tokHash[i]!) === 0 ? '_' : (words.get(tokHash[i]!) ?? '?'));
  }
  return out.join(' ');
}

export const TEMPLATE_META: SignalMeta = {
  id: 'text.template',
  title: 'Prompt wrapper fingerprint',
  rationale:
    'Distillation operators wrap varying task content in a few fixed or paraphrased wrappers and send them through ' +
    'many accounts. The same wrapper skeleton (or LSH band) across many accounts and tasks is a coordination signal.',
  falsePositives: [
    'Products and customers that template their own requests (synthetic data generation, evaluation harnesses, browser extensions that append text).',
    'Common short instructions ("translate the following text into English: ...") shared by unrelated users: counted across accounts, with volume and diversity, never alone.',
  ],
  references: [
    'https://en.wikipedia.org/wiki/MinHash',
    'http://infolab.stanford.edu/~ullman/mmds/ch3.pdf (locality-sensitive hashing, banding)',
  ],
  level: 'interaction',
};
