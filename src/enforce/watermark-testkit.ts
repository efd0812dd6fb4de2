/**
 * Test and benchmark helper for the watermark action: a mock upstream that answers like `MockUpstream` (same
 * plans, wire formats and thinking checks: mock-plan.ts, mock-render.ts) but with long assistant prose, so a
 * single response carries enough watermark sites to verify, and with the things the mark must never touch:
 * a fenced code block, inline code, JSON, a URL and numbers (all holding lexicon words), a thinking block and
 * a tool call whose input is prose. Streams are split into small deltas at arbitrary points (inside words,
 * fences, URLs). The text depends only on the conversation, so a streamed and a non-streamed request for the
 * same messages get the same text. Not part of the gateway.
 */
import { createHash } from 'node:crypto';
import type http from 'node:http';
import { LoopbackServer } from './loopback-server.js';
import type { RouteApi } from './degrade.js';
import { checkAnthropicThinking, plan } from './mock-plan.js';
import { render, type MockEvent } from './mock-render.js';
import { errorBody } from './provider-errors.js';
import { AnswerGenerator } from '../provenance/generator.js';
import { Rng } from '../provenance/rng.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const ROUTES: Record<string, RouteApi> = { '/v1/chat/completions': 'openai.chat', '/v1/responses': 'openai.responses', '/v1/messages': 'anthropic.messages' };

/** Spans inside every answer that must reach the client byte for byte (each holds lexicon words). */
export const PROTECTED_SPANS = [
  '```python\n# However, a big and important helper that also uses large buffers\ndef typically_big(items):\n    return sorted(items)  # often huge\n```',
  '`however = big_buffer(large=True)`',
  '{"note": "However, this is a big and important value, typically large", "count": 1000, "ratio": 0.25}',
  'https://example.com/however/big/also?large=1&often=true',
  '3.14159',
  '1,000,000',
];

/** Prose a tool call carries as its input: lexicon words everywhere, so any rewriting would show. */
export const TOOL_PROSE = 'However, it is important to examine the big picture; typically we also use large files and often modify them.';
/** Thinking text: lexicon words everywhere (its signature covers it). */
export const THINKING_PROSE = 'However, the user typically wants a big, important answer. Additionally, I should examine the large cases and often verify them.';

export interface ProseOptions {
  /** Body sentences per answer (inclusive range). Default 40 to 50 (about 600 words). */
  minSentences?: number;
  maxSentences?: number;
  /** Largest stream delta, characters. Default 9. */
  maxPiece?: number;
  /** Delay between stream events, ms. */
  chunkDelayMs?: number;
}

/** The assistant prose for a conversation (deterministic; independent of streaming and other options). */
export function proseAnswer(seed: string, opts: ProseOptions = {}): string {
  const rng = new Rng(`prose:${seed}`);
  const gen = new AnswerGenerator({ minSentences: opts.minSentences ?? 40, maxSentences: opts.maxSentences ?? 50 });
  const paras = gen.answer(rng).split('\n\n');
  // The protected spans between paragraphs (block ones alone, inline ones inside a sentence).
  const out: string[] = [];
  paras.forEach((p, i) => {
    out.push(p);
    if (i === 0) out.push(PROTECTED_SPANS[0]!);
    if (i === 1) out.push(`Run ${PROTECTED_SPANS[1]!} first; the config is ${PROTECTED_SPANS[2]!} and the guide is at ${PROTECTED_SPANS[3]!} for reference.`);
    if (i === 2) out.push(`However, about ${PROTECTED_SPANS[4]!} of it is big, and ${PROTECTED_SPANS[5]!} rows are typically large.`);
  });
  return out.join('\n\n');
}

/** The conversation a request carries (what the answer is seeded by). */
function conversation(body: Obj): string {
  return createHash('sha256')
    .update(JSON.stringify([body.system ?? null, body.messages ?? null, body.input ?? null, body.instructions ?? null]))
    .digest('hex');
}

export class ProseUpstream extends LoopbackServer {
  /** Request bodies received, most recent last. */
  readonly requests: Obj[] = [];
  calls = 0;

  constructor(readonly opts: ProseOptions = {}) {
    super();
  }


  /** The assistant text this upstream answers a request body with. */
  answerFor(body: Obj): string {
    return proseAnswer(conversation(body), this.opts);
  }

  protected handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]!;
    const api = req.method === 'POST' ? ROUTES[path] : undefined;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (api === undefined) return json(res, 404, { error: { message: 'no route', type: 'invalid_request_error' } });
      this.calls++;
      const raw = Buffer.concat(chunks);
      let body: Obj | null = null;
      try {
        const v: unknown = JSON.parse(raw.toString('utf8'));
        if (isObj(v)) body = v;
      } catch {
        // answered below
      }
      const provider = api === 'anthropic.messages' ? 'anthropic' : 'openai';
      if (body === null) return json(res, 400, errorBody(provider, 'bad_request', 'body is not a JSON object').body);
      this.requests.push(body);
      if (this.requests.length > 100) this.requests.shift();
      if (api === 'anthropic.messages') {
        const problem = checkAnthropicThinking(body);
        if (problem !== null) return json(res, 400, errorBody(provider, 'bad_request', problem).body);
      }
      const p = plan(api, body, raw.length);
      p.text = this.answerFor(body);
      if (p.thinking !== null) p.thinking = THINKING_PROSE;
      if (p.tool !== null) p.tool.input = { query: TOOL_PROSE };
      const model = typeof body.model === 'string' ? body.model : 'mock-model';
      const includeUsage = isObj(body.stream_options) && body.stream_options.include_usage === true;
      const out = render(api, p, model, body.stream === true, includeUsage);
      if (!Array.isArray(out)) return json(res, 200, out);
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
      const cut = req.headers['x-mock-cut'] !== undefined ? Number(req.headers['x-mock-cut']) : Infinity;
      void this.stream(res, splitDeltas(out, this.opts.maxPiece ?? 9, conversation(body)), cut);
    });
  }

  /** Writes the events (and cuts the connection after `cut` of them: header `x-mock-cut`, as MockUpstream). */
  private async stream(res: http.ServerResponse, events: MockEvent[], cut: number): Promise<void> {
    const gap = this.opts.chunkDelayMs ?? 0;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (res.destroyed) return;
      if (i >= cut) {
        res.destroy();
        return;
      }
      const data = e.data === '[DONE]' ? '[DONE]' : JSON.stringify(e.data);
      res.write(e.event !== null ? `event: ${e.event}\ndata: ${data}\n\n` : `data: ${data}\n\n`);
      if (gap > 0) await new Promise((r) => setTimeout(r, gap));
    }
    res.end();
  }
}

/** Where a text delta event keeps its text: a getter and a setter, or null for other events. */
function textSlot(d: Obj): { get: () => string; set: (o: Obj, s: string) => void } | null {
  if (d.type === 'content_block_delta' && isObj(d.delta) && d.delta.type === 'text_delta') {
    const delta = d.delta;
    return { get: () => String(delta.text), set: (o, s) => void (o.delta = { ...delta, text: s }) };
  }
  if (d.type === 'response.output_text.delta') return { get: () => String(d.delta), set: (o, s) => void (o.delta = s) };
  const c = Array.isArray(d.choices) ? d.choices[0] : undefined;
  if (isObj(c) && isObj(c.delta) && typeof c.delta.content === 'string' && c.delta.content !== '' && Object.keys(c.delta).length === 1) {
    const choice = c;
    return { get: () => String((choice.delta as Obj).content), set: (o, s) => void (o.choices = [{ ...choice, delta: { content: s } }]) };
  }
  return null;
}

/** Splits every text delta into pieces of 1..max characters (seeded), renumbering Responses events. */
export function splitDeltas(events: MockEvent[], max: number, seed: string): MockEvent[] {
  const rng = new Rng(`split:${seed}`);
  const out: MockEvent[] = [];
  for (const e of events) {
    const slot = e.data === '[DONE]' ? null : textSlot(e.data);
    if (slot === null) {
      out.push(e);
      continue;
    }
    const text = slot.get();
    for (let i = 0; i < text.length; ) {
      const n = 1 + rng.int(max);
      const o = { ...(e.data as Obj) };
      slot.set(o, text.slice(i, i + n));
      out.push({ event: e.event, data: o });
      i += n;
    }
  }
  let seq = 0;
  for (const e of out) if (e.data !== '[DONE]' && typeof e.data.sequence_number === 'number') e.data = { ...e.data, sequence_number: seq++ };
  return out;
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
