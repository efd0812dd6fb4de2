/**
 * Degrade for streamed responses: rewrites SSE events on the fly, one event in, zero or more out.
 *
 * Anthropic: a thinking block's start, thinking_delta and signature_delta events are held back; at its
 * content_block_stop the block is emitted as a sealed redacted_thinking block (start + stop) at the same index,
 * so block indexes stay as upstream numbered them. The wait costs nothing visible: thinking is withheld anyway.
 * Chat: reasoning fields are removed from deltas; chunks left empty are dropped.
 * Responses: reasoning summary / text events are dropped, reasoning items are emptied, and sequence_number is
 * renumbered so the events the caller sees stay contiguous.
 */
import type { SseEvent } from '../ingest/derive/sse.js';
import type { RouteApi } from './degrade.js';
import { sealBlock, stripChatReasoning, stripReasoningItem } from './degrade.js';
import type { Sealer } from './seal.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One outgoing event: the parsed data (null for non-JSON data such as `[DONE]`) and its wire text. */
export interface OutEvent {
  data: Obj | null;
  text: string;
}

/** Wire text of an event. */
export function formatEvent(name: string, data: string, id?: string): string {
  let s = '';
  if (name !== 'message') s += `event: ${name}\n`;
  if (id !== undefined) s += `id: ${id}\n`;
  for (const line of data.split('\n')) s += `data: ${line}\n`;
  return s + '\n';
}

const DROP_RESPONSES = new Set([
  'response.reasoning_summary_part.added',
  'response.reasoning_summary_part.done',
  'response.reasoning_summary_text.delta',
  'response.reasoning_summary_text.done',
  'response.reasoning_text.delta',
  'response.reasoning_text.done',
]);

export class StreamDegrader {
  /** Held Anthropic thinking blocks by index. */
  private readonly held = new Map<number, { thinking: string; signature: string }>();
  private seq = 0;
  /** Parts of reasoning withheld so far. */
  withheld = 0;

  constructor(
    private readonly api: RouteApi,
    private readonly sealer: Sealer,
    private readonly account: string,
  ) {}

  /** Rewrites one parsed event; `data` is its JSON data (null when not JSON, passed through as is). */
  push(ev: SseEvent, data: Obj | null): OutEvent[] {
    if (data === null) return [{ data: null, text: formatEvent(ev.event, ev.data, ev.id) }];
    let keep: Obj | null;
    if (this.api === 'anthropic.messages') return this.anthropic(ev, data);
    else if (this.api === 'openai.chat') keep = this.chat(data);
    else keep = this.responses(data);
    if (keep === null) return [];
    return [{ data: keep, text: formatEvent(ev.event, JSON.stringify(keep), ev.id) }];
  }

  private anthropic(ev: SseEvent, d: Obj): OutEvent[] {
    const index = typeof d.index === 'number' ? d.index : -1;
    const out = (o: Obj, name = String(o.type)): OutEvent => ({ data: o, text: formatEvent(name, JSON.stringify(o), ev.id) });
    if (d.type === 'content_block_start' && isObj(d.content_block) && d.content_block.type === 'thinking') {
      const b = d.content_block;
      this.held.set(index, { thinking: typeof b.thinking === 'string' ? b.thinking : '', signature: typeof b.signature === 'string' ? b.signature : '' });
      return [];
    }
    const h = this.held.get(index);
    if (h !== undefined) {
      if (d.type === 'content_block_delta' && isObj(d.delta)) {
        if (d.delta.type === 'thinking_delta' && typeof d.delta.thinking === 'string') h.thinking += d.delta.thinking;
        else if (d.delta.type === 'signature_delta' && typeof d.delta.signature === 'string') h.signature += d.delta.signature;
        return [];
      }
      if (d.type === 'content_block_stop') {
        this.held.delete(index);
        this.withheld++;
        const block = sealBlock({ thinking: h.thinking, signature: h.signature }, this.sealer, this.account);
        return [out({ type: 'content_block_start', index, content_block: block }), out(d)];
      }
    }
    if (d.type === 'message_start' && isObj(d.message) && Array.isArray(d.message.content) && d.message.content.length > 0) {
      d.message.content = (d.message.content as unknown[]).map((b) => (isObj(b) && b.type === 'thinking' ? sealBlock(b, this.sealer, this.account) : b));
    }
    return [out(d, ev.event)];
  }

  private chat(d: Obj): Obj | null {
    if (!Array.isArray(d.choices)) return d;
    let stripped = false;
    let empty = true;
    for (const c of d.choices) {
      if (!isObj(c)) continue;
      if (isObj(c.delta)) {
        if (stripChatReasoning(c.delta)) stripped = true;
        for (const k in c.delta) if (k !== 'role' && c.delta[k] !== null && c.delta[k] !== undefined) empty = false;
      }
      if (c.finish_reason != null) empty = false;
    }
    if (stripped) this.withheld++;
    if (stripped && empty && d.usage == null && d.choices.length > 0) return null;
    return d;
  }

  private responses(d: Obj): Obj | null {
    const t = d.type;
    if (typeof t === 'string' && DROP_RESPONSES.has(t)) {
      this.withheld++;
      return null;
    }
    if (isObj(d.item)) stripReasoningItem(d.item);
    if (isObj(d.response) && Array.isArray(d.response.output)) for (const item of d.response.output) if (isObj(item)) stripReasoningItem(item);
    if (typeof d.sequence_number === 'number') d.sequence_number = this.seq++;
    return d;
  }

  /** Held blocks never closed (a cut stream): nothing to emit, the thinking stays withheld. */
  end(): OutEvent[] {
    this.held.clear();
    return [];
  }
}
