/**
 * The watermark for streamed responses: rewrites SSE events on the fly, one event in, one (rarely two) out.
 *
 * Each text of the response (an Anthropic text block, a Chat Completions choice, a Responses output_text part)
 * gets its own watermark stream (`Watermarker.stream()`); every text delta is replaced by what that stream
 * returns for it. The stream never looks ahead and holds back only the word in progress (until the whitespace
 * after it) and, at a line start, a run of backticks or tildes (until it is known whether they open a code
 * fence), so the delay is a word, never the response. When the text ends, the held-back rest is sent:
 *   - Anthropic: as one more `text_delta` just before the block's `content_block_stop`;
 *   - Chat Completions: appended to the `delta.content` of the chunk that carries the choice's finish_reason
 *     (no chunk is added);
 *   - Responses: as one more `response.output_text.delta` just before `response.output_text.done`; the events
 *     after it have their `sequence_number` shifted so the numbering stays contiguous. The `.done`,
 *     `content_part.done`, `output_item.done` and `response.completed` events carry the marked text, and
 *     annotation offsets are moved with the edits.
 * The concatenated deltas are therefore exactly what the non-streamed path serves for the same text
 * (`watermarkResponseBody`). All other events (thinking, signatures, tool-use input, tool-call arguments,
 * reasoning, usage, pings) go out byte for byte as upstream sent them, in the same order.
 */
import type { SseEvent } from '../ingest/derive/sse.js';
import type { RouteApi } from './degrade.js';
import { formatEvent, type OutEvent } from './degrade-stream.js';
import { WatermarkTally } from './watermark.js';
import { moveOffset, outputText } from '../provenance/body.js';
import type { Edit } from '../provenance/scanner.js';
import type { Watermarker, WatermarkStream } from '../provenance/watermark.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One text being streamed: its watermark stream and the marked text sent so far. */
interface Part {
  st: WatermarkStream;
  out: string;
}

/** A finished Responses text part: the marked text and its edits (input offsets). */
interface Finished {
  text: string;
  edits: readonly Edit[];
}

const ANNOTATION_OFFSETS = ['start_index', 'end_index', 'index'];

export class StreamWatermarker {
  /** Open texts: Anthropic block index, Chat choice index, Responses "output_index:content_index". */
  private readonly parts = new Map<string, Part>();
  /** Responses: finished texts by "output_index:content_index" (for the done events and the final response). */
  private readonly finished = new Map<string, Finished>();
  /** Responses: events added so far (later sequence numbers are shifted by this). */
  private added = 0;
  /** Responses: whether upstream's text deltas carry a `logprobs` field (added ones then carry an empty one). */
  private logprobsField = false;
  /** Chat: the id/object/created/model of the last chunk, for a chunk that must carry a rest at the end. */
  private chatHead: Obj | null = null;
  readonly tally = new WatermarkTally();

  constructor(
    private readonly api: RouteApi,
    private readonly wm: Watermarker,
  ) {}

  /** Rewrites one parsed event; `data` is its JSON data (null when not JSON, e.g. `[DONE]`: passed through). */
  push(ev: SseEvent, data: Obj | null): OutEvent[] {
    if (data === null) {
      const out = this.api === 'openai.chat' && ev.data === '[DONE]' ? this.flushChat() : [];
      out.push({ data: null, text: formatEvent(ev.event, ev.data, ev.id) });
      return out;
    }
    if (this.api === 'anthropic.messages') return this.anthropic(ev, data);
    if (this.api === 'openai.chat') return this.chat(ev, data);
    return this.responses(ev, data);
  }

  /** The upstream stream ended: texts still open (no end event came) send their rest. */
  end(): OutEvent[] {
    if (this.api === 'openai.chat') return this.flushChat();
    const out: OutEvent[] = [];
    for (const key of [...this.parts.keys()]) {
      if (this.api === 'anthropic.messages') {
        const rest = this.close(key);
        if (rest !== '') out.push(anthropicDelta(Number(key), rest));
      } else {
        const [o, c] = key.split(':').map(Number);
        out.push(...this.closeResponsesPart(key, { output_index: o, content_index: c }, null));
      }
    }
    return out;
  }

  /** Figures of the texts so far, those still open included (for a stream cut or abandoned midway). */
  summary(): WatermarkTally {
    const t = Object.assign(new WatermarkTally(), this.tally);
    for (const p of this.parts.values()) t.add(p.st.stats());
    return t;
  }

  // ------------------------------------------------------------------ text parts

  private open(key: string): Part {
    let p = this.parts.get(key);
    if (p === undefined) this.parts.set(key, (p = { st: this.wm.stream(), out: '' }));
    return p;
  }

  private feed(p: Part, delta: string): string {
    const s = p.st.push(delta);
    p.out += s;
    return s;
  }

  /** Ends an open text; returns its held-back rest ('' when none or not open). */
  private close(key: string): string {
    const p = this.parts.get(key);
    if (p === undefined) return '';
    this.parts.delete(key);
    const rest = p.st.end();
    p.out += rest;
    this.tally.add(p.st.stats());
    if (this.api === 'openai.responses') this.finished.set(key, { text: p.out, edits: p.st.edits() });
    return rest;
  }

  // ------------------------------------------------------------------ Anthropic Messages

  private anthropic(ev: SseEvent, d: Obj): OutEvent[] {
    const key = String(d.index);
    if (d.type === 'content_block_delta' && isObj(d.delta) && d.delta.type === 'text_delta' && typeof d.delta.text === 'string') {
      d.delta.text = this.feed(this.open(key), d.delta.text);
      return [changed(ev, d)];
    }
    if (d.type === 'content_block_start' && isObj(d.content_block) && d.content_block.type === 'text') {
      const p = this.open(key);
      const b = d.content_block;
      if (typeof b.text !== 'string' || b.text === '') return [same(ev, d)];
      b.text = this.feed(p, b.text);
      return [changed(ev, d)];
    }
    if (d.type === 'content_block_stop' && this.parts.has(key)) {
      const rest = this.close(key);
      return rest === '' ? [same(ev, d)] : [anthropicDelta(Number(d.index), rest), same(ev, d)];
    }
    if (d.type === 'message_start' && isObj(d.message) && Array.isArray(d.message.content) && d.message.content.some((b) => isObj(b) && b.type === 'text')) {
      // Content already present at the start (the API sends none): each text block is marked whole.
      d.message.content = d.message.content.map((b) => (isObj(b) && b.type === 'text' && typeof b.text === 'string' ? { ...b, text: this.whole(b.text) } : b));
      return [changed(ev, d)];
    }
    return [same(ev, d)];
  }

  /** Marks a text that arrives whole inside one event. */
  private whole(text: string): string {
    const r = this.wm.textWithStats(text);
    this.tally.add(r.stats);
    return r.text;
  }

  // ------------------------------------------------------------------ Chat Completions

  private chat(ev: SseEvent, d: Obj): OutEvent[] {
    if (!Array.isArray(d.choices)) return [same(ev, d)];
    this.chatHead = { id: d.id, object: d.object, created: d.created, model: d.model };
    let edited = false;
    d.choices.forEach((c: unknown, pos) => {
      if (!isObj(c)) return;
      const key = String(typeof c.index === 'number' ? c.index : pos);
      const delta = isObj(c.delta) ? c.delta : null;
      if (delta !== null && typeof delta.content === 'string') {
        delta.content = this.feed(this.open(key), delta.content);
        edited = true;
      }
      if (c.finish_reason != null && this.parts.has(key)) {
        const rest = this.close(key);
        if (rest === '') return;
        if (delta !== null) delta.content = (typeof delta.content === 'string' ? delta.content : '') + rest;
        else c.delta = { content: rest };
        edited = true;
      }
    });
    return [edited ? changed(ev, d) : same(ev, d)];
  }

  /** Choices that never got a finish_reason: their rest in one chunk (before `[DONE]` or at the end). */
  private flushChat(): OutEvent[] {
    const choices: Obj[] = [];
    for (const key of [...this.parts.keys()]) {
      const rest = this.close(key);
      if (rest !== '') choices.push({ index: Number(key), delta: { content: rest }, finish_reason: null });
    }
    if (choices.length === 0) return [];
    const d: Obj = { ...(this.chatHead ?? { object: 'chat.completion.chunk' }), choices };
    return [{ data: d, text: formatEvent('message', JSON.stringify(d)) }];
  }

  // ------------------------------------------------------------------ Responses

  private responses(ev: SseEvent, d: Obj): OutEvent[] {
    const out: OutEvent[] = [];
    const key = `${String(d.output_index)}:${String(d.content_index)}`;
    let edited = false;
    switch (d.type) {
      case 'response.output_text.delta':
        if (typeof d.delta === 'string') {
          if ('logprobs' in d) this.logprobsField = true;
          d.delta = this.feed(this.open(key), d.delta);
          edited = true;
        }
        break;
      case 'response.content_part.added':
        if (isObj(d.part) && d.part.type === 'output_text') {
          const p = this.open(key);
          if (typeof d.part.text === 'string' && d.part.text !== '') {
            d.part.text = this.feed(p, d.part.text);
            edited = true;
          }
        }
        break;
      case 'response.output_text.annotation.added': {
        // Offsets into text sent so far: moved by the edits made so far.
        const p = this.parts.get(key);
        const f = this.finished.get(key);
        const edits = p !== undefined ? p.st.edits() : f?.edits;
        if (edits !== undefined && edits.length > 0 && isObj(d.annotation)) {
          d.annotation = moveAnnotation(d.annotation, edits);
          edited = true;
        }
        break;
      }
      case 'response.output_text.done':
        out.push(...this.closeResponsesPart(key, d, d.sequence_number));
        if (typeof d.text === 'string') {
          d.text = this.finishedText(key, d.text);
          edited = true;
        }
        break;
      case 'response.content_part.done':
        if (isObj(d.part) && d.part.type === 'output_text' && typeof d.part.text === 'string') {
          out.push(...this.closeResponsesPart(key, d, d.sequence_number));
          d.part = this.finishedPart(key, d.part);
          edited = true;
        }
        break;
      case 'response.output_item.done':
        if (isObj(d.item) && d.item.type === 'message' && Array.isArray(d.item.content)) {
          out.push(...this.closeItem(d.item, d.output_index, d.sequence_number));
          d.item = this.finishedItem(d.item, d.output_index);
          edited = true;
        }
        break;
      default:
        if (isObj(d.response) && Array.isArray(d.response.output)) {
          // response.completed / incomplete / failed: the whole response, with every message part marked.
          const output = d.response.output;
          output.forEach((item, i) => {
            if (isObj(item) && item.type === 'message' && Array.isArray(item.content)) out.push(...this.closeItem(item, i, d.sequence_number));
          });
          if (output.some((item) => isObj(item) && item.type === 'message')) {
            const marked = output.map((item, i) => (isObj(item) && item.type === 'message' && Array.isArray(item.content) ? this.finishedItem(item, i) : item));
            d.response = { ...d.response, output: marked };
            if (typeof (d.response as Obj).output_text === 'string') (d.response as Obj).output_text = outputText(marked);
            edited = true;
          }
        }
    }
    if (typeof d.sequence_number === 'number' && this.added > 0) {
      d.sequence_number += this.added;
      edited = true;
    }
    out.push(edited ? changed(ev, d) : same(ev, d));
    return out;
  }

  /**
   * Closes a Responses text part; returns the delta event carrying its rest (none when nothing was held).
   * The added event takes the sequence number of the event it precedes; that event and all later ones shift.
   */
  private closeResponsesPart(key: string, at: { item_id?: unknown; output_index?: unknown; content_index?: unknown }, seq: unknown): OutEvent[] {
    if (!this.parts.has(key)) return [];
    const rest = this.close(key);
    if (rest === '') return [];
    const d: Obj = { type: 'response.output_text.delta' };
    if (at.item_id !== undefined) d.item_id = at.item_id;
    d.output_index = at.output_index;
    d.content_index = at.content_index;
    d.delta = rest;
    if (this.logprobsField) d.logprobs = [];
    if (typeof seq === 'number') d.sequence_number = seq + this.added;
    this.added++;
    return [{ data: d, text: formatEvent('response.output_text.delta', JSON.stringify(d)) }];
  }

  /** Closes the open text parts of a message item (a done event arrived before their own done events). */
  private closeItem(item: Obj, outputIndex: unknown, seq: unknown): OutEvent[] {
    const out: OutEvent[] = [];
    (item.content as unknown[]).forEach((_, j) => {
      const key = `${String(outputIndex)}:${j}`;
      out.push(...this.closeResponsesPart(key, { item_id: item.id, output_index: outputIndex, content_index: j }, seq));
    });
    return out;
  }

  /** The marked text of a finished part; a part that never streamed (text only in done events) is marked whole. */
  private finishedText(key: string, original: string): string {
    let f = this.finished.get(key);
    if (f === undefined) {
      const r = this.wm.textWithStats(original);
      this.tally.add(r.stats);
      this.finished.set(key, (f = { text: r.text, edits: r.edits }));
    }
    return f.text;
  }

  private finishedPart(key: string, part: Obj): Obj {
    const text = this.finishedText(key, String(part.text));
    const edits = this.finished.get(key)!.edits;
    const out: Obj = { ...part, text };
    if (Array.isArray(part.annotations) && edits.length > 0) out.annotations = part.annotations.map((a) => (isObj(a) ? moveAnnotation(a, edits) : a));
    return out;
  }

  private finishedItem(item: Obj, outputIndex: unknown): Obj {
    const content = (item.content as unknown[]).map((p, j) => (isObj(p) && p.type === 'output_text' && typeof p.text === 'string' ? this.finishedPart(`${String(outputIndex)}:${j}`, p) : p));
    return { ...item, content };
  }
}

/** An event going out as upstream sent it (its original data text). */
function same(ev: SseEvent, d: Obj): OutEvent {
  return { data: d, text: formatEvent(ev.event, ev.data, ev.id) };
}

/** An event whose data was rewritten. */
function changed(ev: SseEvent, d: Obj): OutEvent {
  return { data: d, text: formatEvent(ev.event, JSON.stringify(d), ev.id) };
}

function anthropicDelta(index: number, text: string): OutEvent {
  const d: Obj = { type: 'content_block_delta', index, delta: { type: 'text_delta', text } };
  return { data: d, text: formatEvent('content_block_delta', JSON.stringify(d)) };
}

function moveAnnotation(a: Obj, edits: readonly Edit[]): Obj {
  const out: Obj = { ...a };
  for (const k of ANNOTATION_OFFSETS) if (typeof a[k] === 'number') out[k] = moveOffset(a[k], edits);
  return out;
}

