/**
 * Degrade: withhold or shorten reasoning for an account, while multi-turn tool use keeps working.
 *
 * Request side (`degradeRequest`): caps max_tokens / max_completion_tokens / max_output_tokens, caps Anthropic
 * thinking.budget_tokens at the start of a turn (never inside a tool-use loop: one thinking configuration per
 * assistant turn), lowers OpenAI reasoning effort.
 * Response side (`degradeResponse`, and degrade-stream.ts for SSE): Anthropic thinking blocks become sealed
 * `redacted_thinking` blocks (seal.ts explains why that keeps tool use valid); OpenAI Chat reasoning_content /
 * reasoning fields are dropped; Responses reasoning items are kept (their ids and encrypted_content are needed
 * when the caller passes them back with function call outputs) but their summary and content are emptied.
 * `unsealRequest` runs on every Anthropic request, degraded or not, so a conversation stays valid when an
 * account's action changes between turns.
 */
import type { DegradeParams } from './policy.js';
import type { Sealer } from './seal.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export type RouteApi = 'anthropic.messages' | 'openai.chat' | 'openai.responses';

const EFFORT_ORDER = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'];

/** The lower of two reasoning efforts (unknown values are replaced). */
function lowerEffort(current: unknown, cap: string): string {
  const a = typeof current === 'string' ? EFFORT_ORDER.indexOf(current) : -1;
  const b = EFFORT_ORDER.indexOf(cap);
  return a >= 0 && a <= b ? (current as string) : cap;
}

const capNum = (v: unknown, cap: number): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.min(v, cap) : cap);

/** Whether an Anthropic request continues a tool-use loop (its last user turn carries tool results). */
export function inToolLoop(body: Obj): boolean {
  const msgs = body.messages;
  if (!Array.isArray(msgs) || msgs.length === 0) return false;
  const last = msgs[msgs.length - 1];
  if (!isObj(last) || last.role !== 'user' || !Array.isArray(last.content)) return false;
  return last.content.some((b) => isObj(b) && b.type === 'tool_result');
}

/** Rewrites a request body's top-level fields in place (pass a shallow copy to keep the original). Returns what changed. */
export function degradeRequest(api: RouteApi, body: Obj, p: DegradeParams): string[] {
  const changed: string[] = [];
  if (api === 'anthropic.messages') {
    const th = body.thinking;
    const thinkingOn = isObj(th) && th.type === 'enabled' && typeof th.budget_tokens === 'number';
    let budget = thinkingOn ? (th.budget_tokens as number) : 0;
    if (thinkingOn && !inToolLoop(body) && budget > p.thinking_budget) {
      budget = p.thinking_budget;
      body.thinking = { ...th, budget_tokens: budget };
      changed.push('thinking.budget_tokens');
    }
    // With thinking on, max_tokens covers thinking + answer: the cap applies to the answer on top of the budget.
    const cap = thinkingOn ? budget + p.max_tokens : p.max_tokens;
    const mt = capNum(body.max_tokens, cap);
    if (mt !== body.max_tokens) {
      body.max_tokens = mt;
      changed.push('max_tokens');
    }
  } else if (api === 'openai.chat') {
    const key = body.max_completion_tokens !== undefined || body.max_tokens === undefined ? 'max_completion_tokens' : 'max_tokens';
    const mt = capNum(body[key], p.max_tokens);
    if (mt !== body[key]) {
      body[key] = mt;
      changed.push(key);
    }
    if (p.reasoning_effort !== null && body.reasoning_effort !== undefined) {
      const e = lowerEffort(body.reasoning_effort, p.reasoning_effort);
      if (e !== body.reasoning_effort) {
        body.reasoning_effort = e;
        changed.push('reasoning_effort');
      }
    }
  } else {
    const mt = capNum(body.max_output_tokens, p.max_tokens);
    if (mt !== body.max_output_tokens) {
      body.max_output_tokens = mt;
      changed.push('max_output_tokens');
    }
    const r = body.reasoning;
    if (p.reasoning_effort !== null && isObj(r) && r.effort !== undefined && r.effort !== null) {
      const e = lowerEffort(r.effort, p.reasoning_effort);
      if (e !== r.effort) {
        body.reasoning = { ...r, effort: e };
        changed.push('reasoning.effort');
      }
    }
  }
  return changed;
}

/**
 * Replaces sealed redacted_thinking blocks in an Anthropic request with the original signed thinking blocks.
 * Copy-on-write: returns a new body (the caller's object, logged as sent, is not touched) and the count opened.
 */
export function unsealRequest(body: Obj, sealer: Sealer, account: string): { body: Obj; opened: number } {
  const msgs = body.messages;
  if (!Array.isArray(msgs)) return { body, opened: 0 };
  let opened = 0;
  let outMsgs: unknown[] | null = null;
  for (let mi = 0; mi < msgs.length; mi++) {
    const m = msgs[mi];
    if (!isObj(m) || m.role !== 'assistant' || !Array.isArray(m.content)) continue;
    let content: unknown[] | null = null;
    for (let i = 0; i < m.content.length; i++) {
      const b = m.content[i];
      if (!isObj(b) || b.type !== 'redacted_thinking' || typeof b.data !== 'string') continue;
      const open = sealer.open(account, b.data);
      if (open === null) continue;
      content ??= [...(m.content as unknown[])];
      content[i] = { type: 'thinking', thinking: open.thinking, signature: open.signature };
      opened++;
    }
    if (content !== null) {
      outMsgs ??= [...msgs];
      outMsgs[mi] = { ...m, content };
    }
  }
  return outMsgs === null ? { body, opened } : { body: { ...body, messages: outMsgs }, opened };
}

/** A sealed redacted_thinking block in place of a thinking block. */
export function sealBlock(b: Obj, sealer: Sealer, account: string): Obj {
  const thinking = typeof b.thinking === 'string' ? b.thinking : '';
  const signature = typeof b.signature === 'string' ? b.signature : '';
  return { type: 'redacted_thinking', data: sealer.seal(account, thinking, signature) };
}

/** Strips reasoning from a Chat message or delta in place; true when something was removed. */
export function stripChatReasoning(m: Obj): boolean {
  let hit = false;
  for (const k of ['reasoning_content', 'reasoning', 'reasoning_details']) {
    if (k in m) {
      delete m[k];
      hit = true;
    }
  }
  return hit;
}

/** Empties a Responses reasoning item (summary and content) in place, keeping id and encrypted_content. */
export function stripReasoningItem(item: Obj): void {
  if (item.type !== 'reasoning') return;
  item.summary = [];
  if ('content' in item) delete item.content;
}

/** Strips reasoning from a non-streamed response body in place. Returns the number of parts withheld. */
export function degradeResponse(api: RouteApi, body: Obj, sealer: Sealer, account: string): number {
  let n = 0;
  if (api === 'anthropic.messages') {
    if (!Array.isArray(body.content)) return 0;
    body.content = (body.content as unknown[]).map((b) => {
      if (isObj(b) && b.type === 'thinking') {
        n++;
        return sealBlock(b, sealer, account);
      }
      return b;
    });
  } else if (api === 'openai.chat') {
    for (const c of Array.isArray(body.choices) ? body.choices : []) if (isObj(c) && isObj(c.message) && stripChatReasoning(c.message)) n++;
  } else {
    for (const item of Array.isArray(body.output) ? body.output : [])
      if (isObj(item) && item.type === 'reasoning') {
        stripReasoningItem(item);
        n++;
      }
  }
  return n;
}
