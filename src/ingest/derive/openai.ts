/**
 * Derivation for OpenAI Chat Completions and Responses (request body and non-streamed response body; streams
 * are first rebuilt into a body by ChatStreamAccumulator / ResponsesStreamAccumulator).
 */
import type { Derived } from '../../model/interaction.js';
import { arr, count, isObj, join, len, num, str, type Obj } from './util.js';

/**
 * Text of message content (a string or parts): text parts joined by "\n", images as "[image]", files as
 * "[file]", audio as "[audio]". Covers Chat parts (text, image_url, input_audio, file) and Responses parts
 * (input_text, output_text, input_image, input_file, input_audio).
 */
function partsText(content: unknown): string | null {
  if (typeof content === 'string') return content;
  const parts = arr(content);
  if (parts === null) return null;
  let out: string | null = null;
  for (const p of parts) {
    if (!isObj(p)) continue;
    switch (p.type) {
      case 'text':
      case 'input_text':
      case 'output_text':
        if (typeof p.text === 'string') out = join(out, p.text);
        break;
      case 'image_url':
      case 'input_image':
        out = join(out, '[image]');
        break;
      case 'file':
      case 'input_file':
        out = join(out, '[file]');
        break;
      case 'input_audio':
        out = join(out, '[audio]');
        break;
      default:
    }
  }
  return out;
}

/** Whether content parts carry an image or a file. */
function hasImage(content: unknown): boolean {
  const parts = arr(content);
  if (parts === null) return false;
  for (const p of parts) {
    if (!isObj(p)) continue;
    const t = p.type;
    if (t === 'image_url' || t === 'input_image' || t === 'file' || t === 'input_file') return true;
  }
  return false;
}

/** Chat Completions request. */
export function deriveChatRequest(req: Obj, d: Derived): void {
  const msgs = arr(req.messages);
  if (msgs !== null) {
    let lastUser = -1;
    for (let i = 0; i < msgs.length; i++) {
      const m = msgs[i];
      if (!isObj(m)) continue;
      const role = m.role;
      if (role === 'user') {
        d.turns++;
        lastUser = i;
        if (!d.has_image && hasImage(m.content)) d.has_image = true;
      } else if (role === 'assistant') {
        d.turns++;
        d.tool_calls_in += len(m.tool_calls) + (m.function_call != null ? 1 : 0);
      } else if (role === 'system' || role === 'developer') {
        const t = partsText(m.content);
        if (t !== null) d.system = join(d.system, t);
      } else if (role === 'tool' || role === 'function') d.tool_calls_in++;
    }
    // The final user-side turn: trailing tool results when the conversation ends with them, else the last user message.
    let i = msgs.length - 1;
    while (i >= 0 && isObj(msgs[i]) && ((msgs[i] as Obj).role === 'tool' || (msgs[i] as Obj).role === 'function')) i--;
    if (i < msgs.length - 1) d.prompt = joinTexts(msgs, i + 1, 'content');
    else if (lastUser >= 0) d.prompt = partsText((msgs[lastUser] as Obj).content);
  }
  d.tools = len(req.tools) || len(req.functions);
  const effort = str(req.reasoning_effort);
  if (effort !== null) {
    d.reasoning_effort = effort;
    d.reasoning_requested = effort !== 'none';
  }
  d.max_tokens = count(req.max_completion_tokens) ?? count(req.max_tokens);
  d.temperature = num(req.temperature);
  d.n = count(req.n);
  if (req.stream === true) d.stream = true;
}

/** Texts of `list[from..]`'s `key` fields joined by "\n". */
function joinTexts(list: unknown[], from: number, key: string): string | null {
  let out: string | null = null;
  for (let i = from; i < list.length; i++) {
    const t = partsText((list[i] as Obj)[key]);
    if (t !== null) out = join(out, t);
  }
  return out;
}

/** Chat Completions response. With n > 1 every choice counts: texts joined by "\n", chars summed without separators. */
export function deriveChatResponse(res: Obj, d: Derived): void {
  d.response_model = str(res.model);
  const choices = arr(res.choices);
  if (choices === null) {
    if (res.error != null) d.stop_reason = str(isObj(res.error) ? (res.error.code ?? res.error.type) : null) ?? 'error';
    return;
  }
  let text: string | null = null;
  let chars = 0;
  let reasoning: number | null = null;
  for (const c of choices) {
    if (!isObj(c)) continue;
    if (d.stop_reason === null) d.stop_reason = str(c.finish_reason);
    const m = c.message;
    if (!isObj(m)) continue;
    const t = str(m.content) ?? str(m.refusal);
    if (t !== null) {
      text = join(text, t);
      chars += t.length;
    }
    // reasoning_content (DeepSeek, vLLM, and OpenAI-compatible servers) or reasoning (OpenRouter and others).
    const r = str(m.reasoning_content) ?? str(m.reasoning);
    if (r !== null) reasoning = (reasoning ?? 0) + r.length;
    d.tool_calls_out += len(m.tool_calls) + (m.function_call != null ? 1 : 0);
  }
  d.completion = text ?? '';
  d.output_chars = chars;
  d.reasoning_returned = reasoning !== null && reasoning > 0;
  d.reasoning_chars = reasoning ?? 0;
  const u = res.usage;
  if (isObj(u)) {
    d.input_tokens = count(u.prompt_tokens);
    d.output_tokens = count(u.completion_tokens);
    const det = u.completion_tokens_details;
    if (isObj(det)) d.reasoning_tokens = count(det.reasoning_tokens);
  }
}

/** Responses item kind: `type`, or "message" for the short `{role, content}` form. */
function itemType(it: Obj): string | null {
  return str(it.type) ?? (it.role !== undefined ? 'message' : null);
}

/** function_call, custom_tool_call, web_search_call, computer_call, ... and their *_output results. */
const isCall = (t: string): boolean => t.endsWith('_call');
const isCallOutput = (t: string): boolean => t.endsWith('_call_output');

/** Responses request. */
export function deriveResponsesRequest(req: Obj, d: Derived): void {
  d.system = str(req.instructions);
  const input = req.input;
  if (typeof input === 'string') {
    d.prompt = input;
    d.turns = 1;
  } else {
    const items = arr(input);
    if (items !== null) deriveInputItems(items, d);
  }
  d.tools = len(req.tools);
  const r = req.reasoning;
  if (isObj(r)) {
    d.reasoning_effort = str(r.effort);
    d.reasoning_requested = d.reasoning_effort !== 'none' && (d.reasoning_effort !== null || r.summary != null);
  }
  d.max_tokens = count(req.max_output_tokens);
  d.temperature = num(req.temperature);
  if (req.stream === true) d.stream = true;
}

function deriveInputItems(items: unknown[], d: Derived): void {
  let lastUser: Obj | null = null;
  for (const it of items) {
    if (!isObj(it)) continue;
    const t = itemType(it);
    if (t === null) continue;
    if (t === 'message') {
      const role = it.role;
      if (role === 'user') {
        d.turns++;
        lastUser = it;
        if (!d.has_image && hasImage(it.content)) d.has_image = true;
      } else if (role === 'assistant') d.turns++;
      else if (role === 'system' || role === 'developer') {
        const text = partsText(it.content);
        if (text !== null) d.system = join(d.system, text);
      }
    } else if (isCall(t) || isCallOutput(t)) d.tool_calls_in++;
  }
  // The final user-side turn: trailing tool outputs when the input ends with them, else the last user message.
  let i = items.length - 1;
  while (i >= 0 && isObj(items[i]) && isCallOutput(str((items[i] as Obj).type) ?? '')) i--;
  if (i < items.length - 1) d.prompt = joinTexts(items, i + 1, 'output');
  else if (lastUser !== null) d.prompt = partsText(lastUser.content);
}

/** Responses response. */
export function deriveResponsesResponse(res: Obj, d: Derived): void {
  d.response_model = str(res.model);
  const status = str(res.status);
  const reason = isObj(res.incomplete_details) ? str(res.incomplete_details.reason) : null;
  // "completed", "failed", ...; for an incomplete response its reason ("max_output_tokens", "content_filter").
  d.stop_reason = status === 'incomplete' && reason !== null ? reason : status;
  const items = arr(res.output);
  if (items === null) {
    if (d.stop_reason === null && res.error != null) d.stop_reason = 'failed';
    return;
  }
  let text: string | null = null;
  let chars = 0;
  let reasoning: number | null = null;
  for (const it of items) {
    if (!isObj(it)) continue;
    const t = itemType(it);
    if (t === 'message') {
      const m = outputText(it.content);
      if (m !== null) {
        text = join(text, m);
        chars += m.length;
      }
    } else if (t === 'reasoning') {
      // Summaries (and the raw reasoning text open-weight models return) are readable; encrypted_content is not.
      const n = sumTexts(it.summary) + sumTexts(it.content);
      if (n > 0 || len(it.summary) > 0 || len(it.content) > 0) {
        d.reasoning_returned = true;
        reasoning = (reasoning ?? 0) + n;
      }
      if (typeof it.encrypted_content === 'string' && it.encrypted_content !== '') d.reasoning_returned = true;
    } else if (t !== null && isCall(t)) d.tool_calls_out++;
  }
  d.completion = text ?? '';
  d.output_chars = chars;
  d.reasoning_chars = reasoning ?? (d.reasoning_returned ? null : 0);
  const u = res.usage;
  if (isObj(u)) {
    d.input_tokens = count(u.input_tokens);
    d.output_tokens = count(u.output_tokens);
    const det = u.output_tokens_details;
    if (isObj(det)) d.reasoning_tokens = count(det.reasoning_tokens);
  }
}

/** A message item's visible text: output_text parts (or a refusal) concatenated. */
function outputText(content: unknown): string | null {
  if (typeof content === 'string') return content;
  const parts = arr(content);
  if (parts === null) return null;
  let out: string | null = null;
  for (const p of parts) {
    if (!isObj(p)) continue;
    const t = p.type === 'refusal' ? str(p.refusal) : str(p.text);
    if (t !== null) out = (out ?? '') + t;
  }
  return out;
}

/** Total length of the `text` fields of a part list. */
function sumTexts(parts: unknown): number {
  const list = arr(parts);
  if (list === null) return 0;
  let n = 0;
  for (const p of list) if (isObj(p) && typeof p.text === 'string') n += p.text.length;
  return n;
}
