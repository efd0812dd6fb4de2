/**
 * Server-sent events: an incremental line parser and per-API stream accumulators.
 *
 * The parser accepts chunks split anywhere (mid-line, between `\r` and `\n`, mid-UTF-8 character when given
 * bytes). The accumulators take events one at a time (a parsed data object, an `SseEvent`, `{event, data}` or
 * one `event: x\ndata: {...}` string) and `result()` returns the equivalent non-streamed response body, so the
 * non-streamed derivation path serves streams too. Both are reusable by a gateway that sees bytes arrive.
 */
import { TextDecoder } from 'node:util';
import { arr, count, isObj, len, looksLikeJson, str, tryJson, type Obj } from './util.js';

/** One dispatched SSE event: `event` defaults to "message"; `data` lines are joined with "\n". */
export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/** Incremental SSE parser (WHATWG event-stream rules, lenient at end of input). */
export class SseParser {
  /** Created on the first byte chunk: most callers hand over text. */
  private decoder: TextDecoder | null = null;
  private buf = '';
  /** The previous chunk ended with `\r`: a `\n` starting the next chunk belongs to that line end. */
  private skipLf = false;
  private event = '';
  private data: string | null = null;
  private id: string | undefined;

  /** Feeds one chunk; returns the events completed by it. */
  push(chunk: string | Uint8Array): SseEvent[] {
    const text = typeof chunk === 'string' ? chunk : (this.decoder ??= new TextDecoder()).decode(chunk, { stream: true });
    const out: SseEvent[] = [];
    this.scan(text, out);
    return out;
  }

  /** Ends the input: a last line without a line end and an event without its blank line are dispatched. */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    if (this.decoder !== null) this.scan(this.decoder.decode(), out);
    if (this.buf !== '') {
      this.line(this.buf, out);
      this.buf = '';
    }
    this.dispatch(out);
    this.skipLf = false;
    return out;
  }

  private scan(text: string, out: SseEvent[]): void {
    let start = 0;
    if (this.skipLf && text.length > 0) {
      if (text.charCodeAt(0) === 0x0a) start = 1;
      this.skipLf = false;
    }
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 0x0a && c !== 0x0d) continue;
      const piece = text.slice(start, i);
      this.line(this.buf === '' ? piece : this.buf + piece, out);
      this.buf = '';
      if (c === 0x0d) {
        if (i + 1 < text.length) {
          if (text.charCodeAt(i + 1) === 0x0a) i++;
        } else {
          this.skipLf = true;
        }
      }
      start = i + 1;
    }
    if (start < text.length) this.buf += text.slice(start);
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === '') return this.dispatch(out);
    if (line.charCodeAt(0) === 0x3a /* : comment */) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    if (field === 'data') this.data = this.data === null ? value : this.data + '\n' + value;
    else if (field === 'event') this.event = value;
    else if (field === 'id') this.id = value;
  }

  private dispatch(out: SseEvent[]): void {
    if (this.data !== null) {
      const ev: SseEvent = { event: this.event || 'message', data: this.data };
      if (this.id !== undefined) ev.id = this.id;
      out.push(ev);
    }
    this.event = '';
    this.data = null;
  }
}

/** Parses a whole SSE text at once. */
export function parseSse(text: string): SseEvent[] {
  const p = new SseParser();
  const out = p.push(text);
  for (const e of p.end()) out.push(e);
  return out;
}

/**
 * OpenAI's end-of-stream sentinel. It looks like JSON ('[') but is not: tryJson threw and caught a SyntaxError for it
 * once per streamed Chat response, 3% of ingest worker CPU in a profile of a 200k-record ingest (7.5% of the bench records
 * end with it). Tested before the parse; the result (no data object) is the same.
 */
const DONE = '[DONE]';

/**
 * The data object of one event in any accepted form, or null (`[DONE]`, comments, junk). An event name with a
 * data object lacking `type` (as some loggers store it) is copied in as `type`.
 */
export function eventData(e: unknown): Obj | null {
  if (typeof e === 'string') {
    if (e === DONE) return null;
    if (looksLikeJson(e)) {
      const v = tryJson(e);
      return isObj(v) ? v : null;
    }
    // One `event:/data:` block (a list element holding raw SSE text): its first event.
    const evs = parseSse(e);
    return evs.length > 0 ? eventData(evs[0]) : null;
  }
  if (!isObj(e)) return null;
  if (e.type !== undefined || e.object !== undefined || e.choices !== undefined) return e;
  if (!('data' in e)) return e;
  const data = typeof e.data === 'string' ? (e.data !== DONE && looksLikeJson(e.data) ? tryJson(e.data) : null) : e.data;
  if (!isObj(data)) return null;
  const name = str(e.event);
  if (data.type === undefined && name !== null && name !== 'message') return { type: name, ...data };
  return data;
}

/**
 * The data objects of a streamed response: a list of events (any form `eventData` takes; a string element
 * may hold several SSE events), raw SSE text, or SSE bytes. Returns null when `response` is not a stream.
 */
export function streamEvents(response: unknown): Obj[] | null {
  if (typeof response === 'string') {
    if (looksLikeJson(response)) return null;
    return eventsOf(parseSse(response));
  }
  if (response instanceof Uint8Array) {
    const p = new SseParser();
    const evs = p.push(response);
    for (const e of p.end()) evs.push(e);
    return eventsOf(evs);
  }
  const list = arr(response);
  if (list === null) return null;
  const out: Obj[] = [];
  for (const e of list) {
    if (typeof e === 'string' && !looksLikeJson(e)) {
      // Fast path for the common one-line `data: {...}` element; anything else goes through the parser.
      if (e.startsWith('data:') && e.indexOf('\n') < 0 && e.indexOf('\r') < 0) {
        const d = eventData(e.charCodeAt(5) === 0x20 ? e.slice(6) : e.slice(5));
        if (d !== null) out.push(d);
      } else for (const d of eventsOf(parseSse(e))) out.push(d);
      continue;
    }
    const d = eventData(e);
    if (d !== null) out.push(d);
  }
  return out;
}

function eventsOf(evs: SseEvent[]): Obj[] {
  const out: Obj[] = [];
  for (const e of evs) {
    const d = eventData(e);
    if (d !== null) out.push(d);
  }
  return out;
}

/** Largest block / choice / item index taken from an event; beyond it the index counts as missing. */
const MAX_SLOT = 4096;

/** An array index from an event, bounded so a hostile index cannot make a huge sparse array. */
function slot(v: unknown): number | null {
  const i = count(v);
  return i !== null && i < MAX_SLOT ? i : null;
}

/** Builds a non-streamed response body from stream events. */
export interface StreamAccumulator {
  push(event: unknown): void;
  result(): Obj;
}

/** Copies defined, non-null fields of `from` onto `to` (streamed usage arrives in parts). */
function mergeDefined(to: Obj, from: unknown): void {
  if (!isObj(from)) return;
  for (const k in from) if (from[k] !== null && from[k] !== undefined) to[k] = from[k];
}

/**
 * Anthropic Messages: message_start, content_block_start/delta/stop, message_delta, message_stop, ping, error.
 */
export class AnthropicStreamAccumulator implements StreamAccumulator {
  /**
   * @param parseToolInput parse each tool_use block's streamed input JSON into `input` (default). Derivation only
   *   counts tool calls: it passes false and `input` keeps the raw JSON text (this JSON.parse per tool call was 3.2%
   *   of ingest worker time in a CPU profile of processChunk over 60k bench records).
   */
  constructor(private readonly parseToolInput = true) {}

  private message: Obj = { type: 'message', role: 'assistant' };
  private readonly content: Obj[] = [];
  /** Partial tool input JSON per block index (input_json_delta), parsed at content_block_stop. */
  private readonly partialJson = new Map<number, string>();
  private usage: Obj = {};

  push(event: unknown): void {
    const d = eventData(event);
    if (d === null) return;
    switch (d.type) {
      case 'message_start': {
        const m = d.message;
        if (isObj(m)) {
          this.message = { ...m };
          for (const b of arr(m.content) ?? []) if (isObj(b)) this.content.push({ ...b });
          this.usage = {};
          mergeDefined(this.usage, m.usage);
        }
        break;
      }
      case 'content_block_start': {
        const i = slot(d.index) ?? this.content.length;
        this.content[i] = isObj(d.content_block) ? { ...d.content_block } : {};
        break;
      }
      case 'content_block_delta':
        this.delta(slot(d.index) ?? this.content.length - 1, d.delta);
        break;
      case 'content_block_stop':
        this.stop(slot(d.index) ?? this.content.length - 1);
        break;
      case 'message_delta':
        mergeDefined(this.message, d.delta);
        mergeDefined(this.usage, d.usage);
        break;
      case 'error':
        this.message.error = d.error ?? d;
        break;
      default: // message_stop, ping, unknown future events
    }
  }

  private delta(i: number, delta: unknown): void {
    if (!isObj(delta) || i < 0) return;
    const b = (this.content[i] ??= {});
    switch (delta.type) {
      case 'text_delta':
        b.type ??= 'text';
        b.text = (str(b.text) ?? '') + (str(delta.text) ?? '');
        break;
      case 'thinking_delta':
        b.type ??= 'thinking';
        b.thinking = (str(b.thinking) ?? '') + (str(delta.thinking) ?? '');
        break;
      case 'signature_delta':
        b.signature = (str(b.signature) ?? '') + (str(delta.signature) ?? '');
        break;
      case 'input_json_delta':
        this.partialJson.set(i, (this.partialJson.get(i) ?? '') + (str(delta.partial_json) ?? ''));
        break;
      case 'citations_delta':
        b.citations = [...(arr(b.citations) ?? []), delta.citation];
        break;
      default:
    }
  }

  private stop(i: number): void {
    const json = this.partialJson.get(i);
    if (json === undefined) return;
    this.partialJson.delete(i);
    const b = this.content[i];
    if (b) b.input = json === '' ? {} : this.parseToolInput ? (tryJson(json) ?? json) : json;
  }

  result(): Obj {
    for (const i of [...this.partialJson.keys()]) this.stop(i);
    return { ...this.message, content: this.content.filter(isObj), usage: { ...this.usage } };
  }
}

interface ChatChoiceAcc {
  index: number;
  message: Obj;
  finish_reason: unknown;
  /** Tool calls by their delta index. */
  calls: Obj[];
}

/** Chunk fields copied to the rebuilt completion. */
const CHUNK_HEAD = ['id', 'created', 'model', 'system_fingerprint', 'service_tier'];
/** Delta text fields appended per choice. */
const DELTA_TEXT = ['content', 'reasoning_content', 'reasoning', 'refusal'];

/** OpenAI Chat Completions: `chat.completion.chunk` events, an optional final usage chunk, `[DONE]`. */
export class ChatStreamAccumulator implements StreamAccumulator {
  private readonly head: Obj = { object: 'chat.completion' };
  private readonly choices: ChatChoiceAcc[] = [];
  private usage: unknown = undefined;
  private error: unknown = undefined;

  push(event: unknown): void {
    const d = eventData(event);
    if (d === null) return;
    if (d.error !== undefined && d.choices === undefined) {
      this.error = d.error;
      return;
    }
    for (const k of CHUNK_HEAD) if (d[k] != null) this.head[k] = d[k];
    if (isObj(d.usage)) this.usage = d.usage;
    for (const c of arr(d.choices) ?? []) if (isObj(c)) this.choice(c);
  }

  private choice(c: Obj): void {
    const index = slot(c.index) ?? 0;
    let acc = this.choices[index];
    if (!acc) acc = this.choices[index] = { index, message: { role: 'assistant', content: null }, finish_reason: null, calls: [] };
    if (c.finish_reason != null) acc.finish_reason = c.finish_reason;
    const delta = c.delta;
    if (!isObj(delta)) return;
    const m = acc.message;
    if (typeof delta.role === 'string') m.role = delta.role;
    for (const k of DELTA_TEXT) {
      const piece = delta[k];
      if (typeof piece === 'string') m[k] = (str(m[k]) ?? '') + piece;
    }
    for (const t of arr(delta.tool_calls) ?? []) {
      if (!isObj(t)) continue;
      const i = slot(t.index) ?? acc.calls.length;
      const call = (acc.calls[i] ??= { type: 'function', function: { name: '', arguments: '' } });
      if (t.id != null) call.id = t.id;
      if (t.type != null) call.type = t.type;
      const fn = call.function as Obj;
      const df = t.function;
      if (isObj(df)) {
        if (typeof df.name === 'string') fn.name = str(fn.name) + df.name;
        if (typeof df.arguments === 'string') fn.arguments = str(fn.arguments) + df.arguments;
      }
    }
  }

  result(): Obj {
    const choices: Obj[] = [];
    for (const c of this.choices) {
      if (!c) continue;
      const message = { ...c.message };
      const calls = c.calls.filter(isObj);
      if (calls.length > 0) message.tool_calls = calls;
      choices.push({ index: c.index, message, finish_reason: c.finish_reason });
    }
    const out: Obj = { ...this.head, choices };
    if (this.usage !== undefined) out.usage = this.usage;
    if (this.error !== undefined) out.error = this.error;
    return out;
  }
}

/**
 * OpenAI Responses: response.created / in_progress, output_item.added / done, content_part.added,
 * output_text.delta / done, reasoning_summary_part.added, reasoning_summary_text.delta, reasoning_text.delta,
 * function_call_arguments.delta / done, and a terminal response.completed / incomplete / failed carrying the
 * whole response (used as is when it holds the output), or error.
 */
export class ResponsesStreamAccumulator implements StreamAccumulator {
  private response: Obj = { object: 'response' };
  private readonly output: Obj[] = [];
  private terminal = false;

  push(event: unknown): void {
    const d = eventData(event);
    if (d === null) return;
    const type = str(d.type);
    if (type === null) return;
    switch (type) {
      case 'response.created':
      case 'response.in_progress':
      case 'response.queued':
        if (isObj(d.response) && !this.terminal) this.response = { ...d.response };
        return;
      case 'response.completed':
      case 'response.incomplete':
      case 'response.failed':
        if (isObj(d.response)) this.response = { ...d.response };
        this.terminal = true;
        return;
      case 'error':
        this.response.status = 'failed';
        this.response.error = { code: d.code ?? null, message: d.message ?? null };
        return;
      case 'response.output_item.added':
      case 'response.output_item.done':
        if (isObj(d.item)) this.output[this.index(d)] = copyItem(d.item);
        return;
      default:
    }
    const item = this.itemAt(d);
    if (item === null) return;
    switch (type) {
      case 'response.content_part.added':
      case 'response.content_part.done':
        setPart(item, 'content', d.content_index, d.part);
        break;
      case 'response.output_text.delta':
        appendText(partAt(item, 'content', d.content_index, 'output_text'), 'text', d.delta);
        break;
      case 'response.refusal.delta':
        appendText(partAt(item, 'content', d.content_index, 'refusal'), 'refusal', d.delta);
        break;
      case 'response.reasoning_text.delta':
        appendText(partAt(item, 'content', d.content_index, 'reasoning_text'), 'text', d.delta);
        break;
      case 'response.reasoning_summary_part.added':
        setPart(item, 'summary', d.summary_index, d.part);
        break;
      case 'response.reasoning_summary_text.delta':
        appendText(partAt(item, 'summary', d.summary_index, 'summary_text'), 'text', d.delta);
        break;
      case 'response.function_call_arguments.delta':
        appendText(item, 'arguments', d.delta);
        break;
      case 'response.function_call_arguments.done':
        if (typeof d.arguments === 'string') item.arguments = d.arguments;
        break;
      case 'response.custom_tool_call_input.delta':
        appendText(item, 'input', d.delta);
        break;
      default:
    }
  }

  private index(d: Obj): number {
    return slot(d.output_index) ?? this.output.length;
  }

  private itemAt(d: Obj): Obj | null {
    const i = slot(d.output_index);
    if (i === null) return null;
    return (this.output[i] ??= {});
  }

  result(): Obj {
    const out = { ...this.response };
    // The terminal event's response holds the full output; fall back to what the deltas built.
    if (len(out.output) === 0) out.output = this.output.filter(isObj);
    return out;
  }
}

/** Copies an output item with its content/summary arrays, so deltas never write into the caller's events. */
function copyItem(item: Obj): Obj {
  const c: Obj = { ...item };
  if (Array.isArray(item.content)) c.content = item.content.map((p) => (isObj(p) ? { ...p } : p));
  if (Array.isArray(item.summary)) c.summary = item.summary.map((p) => (isObj(p) ? { ...p } : p));
  return c;
}

/** `item[key][index]` (the last element when index is missing), created as `{type}` when absent. */
function partAt(item: Obj, key: string, index: unknown, type: string): Obj {
  let list = item[key];
  if (!Array.isArray(list)) list = item[key] = [];
  const a = list as unknown[];
  const i = slot(index) ?? Math.max(a.length - 1, 0);
  const p = a[i];
  if (isObj(p)) return p;
  const fresh: Obj = { type };
  a[i] = fresh;
  return fresh;
}

/** Replaces `item[key][index]` with a copy of `part`. */
function setPart(item: Obj, key: string, index: unknown, part: unknown): void {
  if (!isObj(part)) return;
  let list = item[key];
  if (!Array.isArray(list)) list = item[key] = [];
  (list as unknown[])[slot(index) ?? (list as unknown[]).length] = { ...part };
}

function appendText(part: Obj, field: string, delta: unknown): void {
  if (typeof delta === 'string') part[field] = (str(part[field]) ?? '') + delta;
}

/** Which API a stream's events come from, judged by the first recognisable event. */
export function streamApi(events: Obj[]): 'anthropic.messages' | 'openai.chat' | 'openai.responses' | null {
  for (const e of events) {
    const t = e.type;
    if (typeof t === 'string') {
      if (t.startsWith('response.')) return 'openai.responses';
      if (t.startsWith('message_') || t.startsWith('content_block_')) return 'anthropic.messages';
    }
    if (e.object === 'chat.completion.chunk' || Array.isArray(e.choices)) return 'openai.chat';
  }
  return null;
}

/** Options of accumulatorFor and reconstruct. */
export interface AccumulatorOptions {
  /** Parse streamed tool-call input JSON (Anthropic input_json_delta) into objects; default true. */
  parseToolInput?: boolean;
}

/** A fresh accumulator for an API. */
export function accumulatorFor(api: 'anthropic.messages' | 'openai.chat' | 'openai.responses', opts: AccumulatorOptions = {}): StreamAccumulator {
  if (api === 'anthropic.messages') return new AnthropicStreamAccumulator(opts.parseToolInput ?? true);
  if (api === 'openai.chat') return new ChatStreamAccumulator();
  return new ResponsesStreamAccumulator();
}

/** Rebuilds the non-streamed body from a whole stream's data objects (`api` when known, else judged). */
export function reconstruct(
  events: Obj[],
  api: 'anthropic.messages' | 'openai.chat' | 'openai.responses' | null = null,
  opts: AccumulatorOptions = {},
): Obj | null {
  const kind = api ?? streamApi(events);
  if (kind === null) return null;
  const acc = accumulatorFor(kind, opts);
  for (const e of events) acc.push(e);
  return acc.result();
}
