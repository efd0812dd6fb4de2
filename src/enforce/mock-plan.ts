/**
 * The mock upstream's "model": decides what to answer (thinking, text, a tool call) from a request body, and
 * checks Anthropic thinking blocks the way the real API does (signature over the text; thinking blocks required
 * at the start of the assistant turn while a tool-use loop continues; opaque redacted_thinking data must be ours).
 */
import { createHmac } from 'node:crypto';
import type { RouteApi } from './degrade.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface Plan {
  thinking: string | null;
  text: string | null;
  tool: { id: string; name: string; input: Obj } | null;
  inputTokens: number;
}

const SECRET = 'mock-upstream-signing-key';
/** Prefix of redacted_thinking data the mock itself would issue. */
export const MOCK_REDACTED = 'mock-redacted:';

export function signThinking(text: string): string {
  return createHmac('sha256', SECRET).update(text).digest('base64');
}

let seq = 0;
export const nextId = (prefix: string): string => `${prefix}${(++seq).toString(36).padStart(6, '0')}`;

/** Text of a content value (a string, or a list of blocks with text). */
function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (!Array.isArray(v)) return '';
  return v
    .map((b) => (isObj(b) ? (typeof b.text === 'string' ? b.text : b.type === 'tool_result' || b.type === 'function_call_output' ? textOf(b.content ?? b.output) : '') : ''))
    .join(' ');
}

/** The tool result the conversation ends with, or null when the last turn is an ordinary user turn. */
function trailingToolResult(api: RouteApi, body: Obj): string | null {
  if (api === 'anthropic.messages') {
    const msgs = Array.isArray(body.messages) ? body.messages : [];
    const last = msgs[msgs.length - 1];
    if (!isObj(last) || last.role !== 'user' || !Array.isArray(last.content)) return null;
    const results = last.content.filter((b) => isObj(b) && b.type === 'tool_result') as Obj[];
    return results.length > 0 ? results.map((b) => textOf(b.content)).join(' ') : null;
  }
  if (api === 'openai.chat') {
    const msgs = Array.isArray(body.messages) ? body.messages : [];
    const last = msgs[msgs.length - 1];
    return isObj(last) && last.role === 'tool' ? textOf(last.content) : null;
  }
  const input = body.input;
  if (!Array.isArray(input)) return null;
  const last = input[input.length - 1];
  return isObj(last) && last.type === 'function_call_output' ? textOf(last.output) : null;
}

function lastPrompt(api: RouteApi, body: Obj): string {
  if (api === 'openai.responses') {
    if (typeof body.input === 'string') return body.input;
    const items = Array.isArray(body.input) ? body.input : [];
    for (let i = items.length - 1; i >= 0; i--) {
      const it = items[i];
      if (isObj(it) && it.role === 'user') return textOf(it.content);
    }
    return '';
  }
  const msgs = Array.isArray(body.messages) ? body.messages : [];
  for (let i = msgs.length - 1; i >= 0; i--) {
    const m = msgs[i];
    if (isObj(m) && m.role === 'user') return textOf(m.content);
  }
  return '';
}

/** The first tool's name and an input filling its required string properties. */
function firstTool(api: RouteApi, body: Obj): { name: string; input: Obj } | null {
  const tools = Array.isArray(body.tools) ? body.tools : [];
  const t = tools[0];
  if (!isObj(t)) return null;
  const fn = api === 'openai.chat' && isObj(t.function) ? t.function : t;
  const name = typeof fn.name === 'string' ? fn.name : null;
  if (name === null) return null;
  const schema = (api === 'anthropic.messages' ? t.input_schema : fn.parameters) as Obj | undefined;
  const input: Obj = {};
  const props = isObj(schema) && isObj(schema.properties) ? Object.keys(schema.properties) : [];
  for (const p of props.slice(0, 3)) input[p] = `value of ${p}`;
  return { name, input };
}

export function reasoningRequested(api: RouteApi, body: Obj): boolean {
  if (api === 'anthropic.messages') return isObj(body.thinking) && (body.thinking.type === 'enabled' || body.thinking.type === 'adaptive');
  if (api === 'openai.chat') return typeof body.reasoning_effort === 'string';
  return isObj(body.reasoning) && body.reasoning.effort != null;
}

/** Builds the answer for a request. */
export function plan(api: RouteApi, body: Obj, bodyBytes: number): Plan {
  const prompt = lastPrompt(api, body).slice(0, 60);
  const result = trailingToolResult(api, body);
  const thinking = reasoningRequested(api, body) ? `The user asks: "${prompt}". Step 1: consider the request. Step 2: decide what to answer.` : null;
  const inputTokens = Math.max(1, Math.ceil(bodyBytes / 4));
  if (result !== null) return { thinking, text: `The tool returned: ${result.slice(0, 80)}. That answers it.`, tool: null, inputTokens };
  const tool = firstTool(api, body);
  if (tool !== null) return { thinking, text: api === 'anthropic.messages' ? 'Let me look that up.' : null, tool: { id: nextId(api === 'anthropic.messages' ? 'toolu_mock' : 'call_mock'), ...tool }, inputTokens };
  return { thinking, text: `Mock answer to: ${prompt}`, tool: null, inputTokens };
}

/** Output tokens of a plan: words, roughly. */
export function outputTokens(p: Plan): number {
  const words = (s: string | null) => (s === null ? 0 : s.split(/\s+/).filter(Boolean).length);
  return words(p.thinking) + words(p.text) + (p.tool ? 10 : 0) + 1;
}

/** Validates an Anthropic request as the real API would for thinking; returns an error message or null. */
export function checkAnthropicThinking(body: Obj): string | null {
  const th = body.thinking;
  const enabled = isObj(th) && (th.type === 'enabled' || th.type === 'adaptive');
  if (isObj(th) && th.type === 'enabled') {
    const b = th.budget_tokens;
    if (typeof b !== 'number' || b < 1024) return 'thinking.budget_tokens: must be at least 1024';
    if (typeof body.max_tokens === 'number' && b >= body.max_tokens) return '`max_tokens` must be greater than `thinking.budget_tokens`';
  }
  const msgs = Array.isArray(body.messages) ? body.messages : [];
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i];
    if (!isObj(m) || m.role !== 'assistant' || !Array.isArray(m.content)) continue;
    for (let j = 0; j < m.content.length; j++) {
      const b = m.content[j];
      if (!isObj(b)) continue;
      if (b.type === 'thinking' && (typeof b.thinking !== 'string' || b.signature !== signThinking(b.thinking))) {
        return `messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block`;
      }
      if (b.type === 'redacted_thinking' && (typeof b.data !== 'string' || !b.data.startsWith(MOCK_REDACTED))) {
        return `messages.${i}.content.${j}: Invalid \`data\` in \`redacted_thinking\` block`;
      }
    }
  }
  // In a tool-use loop with thinking on, the last assistant turn must start with its thinking block.
  const last = msgs[msgs.length - 1];
  const prev = msgs[msgs.length - 2];
  const inLoop = isObj(last) && last.role === 'user' && Array.isArray(last.content) && last.content.some((b) => isObj(b) && b.type === 'tool_result');
  if (enabled && inLoop && isObj(prev) && prev.role === 'assistant' && Array.isArray(prev.content)) {
    const first = prev.content[0];
    const t = isObj(first) ? first.type : undefined;
    if (t !== 'thinking' && t !== 'redacted_thinking') {
      return `messages.${msgs.length - 2}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(t)}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block.`;
    }
  }
  return null;
}
