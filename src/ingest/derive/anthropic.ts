/**
 * Derivation for the Anthropic Messages API (request body and non-streamed response body; streams are first
 * rebuilt into a body by AnthropicStreamAccumulator).
 */
import type { Derived } from '../../model/interaction.js';
import { arr, count, isObj, join, len, num, str, type Obj } from './util.js';

/** tool_use, server_tool_use, mcp_tool_use: calls the model made. */
const isToolUse = (t: string): boolean => t.endsWith('tool_use');
/** tool_result, web_search_tool_result, mcp_tool_result, ...: results sent back. */
const isToolResult = (t: string): boolean => t.endsWith('tool_result');

export function deriveAnthropicRequest(req: Obj, d: Derived): void {
  d.system = contentText(req.system, false);
  const msgs = arr(req.messages);
  if (msgs !== null) {
    let lastUser: Obj | null = null;
    for (const m of msgs) {
      if (!isObj(m)) continue;
      if (m.role === 'user') {
        d.turns++;
        lastUser = m;
      } else if (m.role === 'assistant') d.turns++;
      const blocks = arr(m.content);
      if (blocks !== null) scanBlocks(blocks, d);
    }
    if (lastUser !== null) d.prompt = contentText(lastUser.content, true);
  }
  d.tools = len(req.tools);
  const thinking = req.thinking;
  if (isObj(thinking)) {
    d.reasoning_requested = thinking.type === 'enabled' || thinking.type === 'adaptive';
    d.reasoning_budget = count(thinking.budget_tokens);
  }
  const effort = isObj(req.output_config) ? str(req.output_config.effort) : null;
  if (effort !== null) d.reasoning_effort = effort;
  d.max_tokens = count(req.max_tokens);
  d.temperature = num(req.temperature);
  if (req.stream === true) d.stream = true;
}

/** Counts tool blocks and notes images/documents, including those nested in tool results. */
function scanBlocks(blocks: unknown[], d: Derived): void {
  for (const b of blocks) {
    if (!isObj(b)) continue;
    const t = b.type;
    if (typeof t !== 'string') continue;
    if (t === 'image' || t === 'document' || t === 'container_upload') d.has_image = true;
    else if (isToolUse(t)) d.tool_calls_in++;
    else if (isToolResult(t)) {
      d.tool_calls_in++;
      const inner = arr(b.content);
      if (inner !== null) for (const x of inner) if (isObj(x) && (x.type === 'image' || x.type === 'document')) d.has_image = true;
    }
  }
}

/**
 * Text of a string or block list: text blocks joined by "\n", images as "[image]", documents as "[file]".
 * With `toolFallback`, a turn holding only tool results gives the results' text instead.
 */
function contentText(content: unknown, toolFallback: boolean): string | null {
  if (typeof content === 'string') return content;
  const blocks = arr(content);
  if (blocks === null) return null;
  let out: string | null = null;
  let results: string | null = null;
  for (const b of blocks) {
    if (!isObj(b)) continue;
    switch (b.type) {
      case 'text':
        if (typeof b.text === 'string') out = join(out, b.text);
        break;
      case 'image':
        out = join(out, '[image]');
        break;
      case 'document':
      case 'container_upload':
        out = join(out, '[file]');
        break;
      case 'tool_result':
        if (toolFallback) {
          const t = contentText(b.content, false);
          if (t !== null) results = join(results, t);
        }
        break;
      default:
    }
  }
  return out ?? results;
}

export function deriveAnthropicResponse(res: Obj, d: Derived): void {
  d.response_model = str(res.model);
  if (res.type === 'error' || (res.error != null && res.content === undefined)) {
    d.stop_reason = str(isObj(res.error) ? res.error.type : null) ?? 'error';
    return;
  }
  const blocks = arr(res.content);
  let text = '';
  let reasoning: number | null = null;
  if (blocks !== null) {
    for (const b of blocks) {
      if (!isObj(b)) continue;
      const t = b.type;
      if (t === 'text') {
        if (typeof b.text === 'string') text += b.text;
      } else if (t === 'thinking') {
        d.reasoning_returned = true;
        reasoning = (reasoning ?? 0) + (typeof b.thinking === 'string' ? b.thinking.length : 0);
      } else if (t === 'redacted_thinking') {
        d.reasoning_returned = true; // encrypted: returned, length unknown
      } else if (typeof t === 'string' && isToolUse(t)) d.tool_calls_out++;
    }
  }
  d.completion = text;
  d.output_chars = text.length;
  // Thinking text counted when any was readable; only redacted blocks leave it unknown; none returned is 0.
  d.reasoning_chars = reasoning ?? (d.reasoning_returned ? null : 0);
  d.stop_reason = str(res.stop_reason) ?? (res.error != null ? 'error' : null);
  const u = res.usage;
  if (isObj(u)) {
    // input_tokens excludes prompt-cache reads and writes; add them so the count is the whole prompt, as
    // OpenAI's prompt_tokens is.
    const input = count(u.input_tokens);
    const cached = (count(u.cache_read_input_tokens) ?? 0) + (count(u.cache_creation_input_tokens) ?? 0);
    d.input_tokens = input === null ? (cached > 0 ? cached : null) : input + cached;
    d.output_tokens = count(u.output_tokens);
  }
}
