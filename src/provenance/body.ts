/**
 * Watermarking a provider response body (non-streamed) as the gateway returns it to a suspected distiller.
 * Only model-written prose is rewritten:
 *   - Anthropic Messages: `content[]` blocks of type "text" (their `text`);
 *   - OpenAI Chat Completions: `choices[].message.content` (a string, or parts of type "text");
 *   - OpenAI Responses: `output[]` items of type "message", parts of type "output_text", and the SDK
 *     convenience field `output_text` when present (rebuilt from the parts).
 * Tool calls and their arguments, thinking and redacted-thinking blocks, signatures, refusals, reasoning items
 * and everything else are left exactly as they were. Annotation offsets (`start_index`/`end_index`) on
 * Responses parts are moved with the edits. The input body is not modified.
 */
import type { Edit } from './scanner.js';
import type { Watermarker, WatermarkStats } from './watermark.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface BodyResult {
  body: unknown;
  /** Which shape was recognised, or null (body returned unchanged). */
  api: 'anthropic.messages' | 'openai.chat' | 'openai.responses' | null;
  /** Figures summed over the text parts. */
  stats: WatermarkStats;
}

export function watermarkResponseBody(wm: Watermarker, body: unknown): BodyResult {
  const stats: WatermarkStats = { words: 0, sites: 0, kept: 0, changed: 0, denied: 0, changedShare: 0 };
  const mark = (s: string): { text: string; edits: Edit[] } => {
    const r = wm.textWithStats(s);
    stats.words += r.stats.words;
    stats.sites += r.stats.sites;
    stats.kept += r.stats.kept;
    stats.changed += r.stats.changed;
    stats.denied += r.stats.denied;
    return { text: r.text, edits: r.edits };
  };
  const done = (out: unknown, api: BodyResult['api']): BodyResult => {
    stats.changedShare = stats.words === 0 ? 0 : stats.changed / stats.words;
    return { body: out, api, stats };
  };
  if (!isObj(body)) return done(body, null);

  if (Array.isArray(body.choices)) {
    const choices = body.choices.map((c) => {
      if (!isObj(c) || !isObj(c.message)) return c;
      const m = c.message;
      let content = m.content;
      if (typeof content === 'string') content = mark(content).text;
      else if (Array.isArray(content)) content = content.map((p) => (isObj(p) && p.type === 'text' && typeof p.text === 'string' ? { ...p, text: mark(p.text).text } : p));
      return { ...c, message: { ...m, content } };
    });
    return done({ ...body, choices }, 'openai.chat');
  }

  if (Array.isArray(body.output)) {
    const output = body.output.map((item) => {
      if (!isObj(item) || item.type !== 'message' || !Array.isArray(item.content)) return item;
      const content = item.content.map((p) => {
        if (!isObj(p) || p.type !== 'output_text' || typeof p.text !== 'string') return p;
        const r = mark(p.text);
        const out: Obj = { ...p, text: r.text };
        if (Array.isArray(p.annotations) && r.edits.length > 0) out.annotations = p.annotations.map((a) => moveAnnotation(a, r.edits));
        return out;
      });
      return { ...item, content };
    });
    const out: Obj = { ...body, output };
    if (typeof body.output_text === 'string') out.output_text = outputText(output);
    return done(out, 'openai.responses');
  }

  if (Array.isArray(body.content) && (body.type === 'message' || body.role === 'assistant')) {
    const content = body.content.map((b) => (isObj(b) && b.type === 'text' && typeof b.text === 'string' ? { ...b, text: mark(b.text).text } : b));
    return done({ ...body, content }, 'anthropic.messages');
  }
  return done(body, null);
}

/** The concatenated output_text parts of message items (what the SDKs expose as `output_text`). */
export function outputText(output: unknown[]): string {
  let s = '';
  for (const item of output) {
    if (!isObj(item) || item.type !== 'message' || !Array.isArray(item.content)) continue;
    for (const p of item.content) if (isObj(p) && p.type === 'output_text' && typeof p.text === 'string') s += p.text;
  }
  return s;
}

/** Maps an offset in the original text to the watermarked text. */
export function moveOffset(i: number, edits: readonly Edit[]): number {
  let d = 0;
  for (const e of edits) {
    if (e.at + e.oldLength <= i) d += e.newLength - e.oldLength;
    else if (e.at < i) return e.at + d + Math.min(i - e.at, e.newLength); // inside an edited word
    else break;
  }
  return i + d;
}

function moveAnnotation(a: unknown, edits: readonly Edit[]): unknown {
  if (!isObj(a)) return a;
  const out: Obj = { ...a };
  for (const k of ['start_index', 'end_index', 'index']) if (typeof a[k] === 'number') out[k] = moveOffset(a[k], edits);
  return out;
}
