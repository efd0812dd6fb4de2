/**
 * Reading suspect texts for verification: a JSONL file where each line is a JSON string, an object with a text
 * field (text, output, completion, response, content, value), or a provider response body (the text parts of
 * Anthropic, Chat Completions and Responses bodies are read; tool calls and thinking are not).
 */
import { readFileSync } from 'node:fs';

type Obj = Record<string, unknown>;
const FIELDS = ['text', 'output_text', 'output', 'completion', 'response', 'content', 'value'];

/** The text of one record, or null when none is found. */
export function textOfRecord(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    const parts = v.map(textOfRecord).filter((s): s is string => s !== null);
    return parts.length > 0 ? parts.join('\n\n') : null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Obj;
  if (Array.isArray(o.choices)) return textOfRecord(o.choices.map((c) => (c as Obj)?.message ?? (c as Obj)?.text));
  if (o.type === 'text' || o.type === 'output_text') return typeof o.text === 'string' ? o.text : null;
  if (o.type === 'tool_use' || o.type === 'thinking' || o.type === 'redacted_thinking' || o.type === 'function_call' || o.type === 'reasoning') return null;
  for (const f of FIELDS) if (o[f] !== undefined && o[f] !== null) {
    const t = textOfRecord(o[f]);
    if (t !== null) return t;
  }
  return null;
}

/** Reads the texts of a JSONL file. Throws Error naming the file and line on malformed input. */
export function readTexts(path: string): string[] {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read: ${(err as Error).message}`, { cause: err });
  }
  const out: string[] = [];
  const lines = raw.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new Error(`${path}:${i + 1}: not JSON (expected one JSON string or object per line)`);
    }
    const t = textOfRecord(v);
    if (t !== null) out.push(t);
  }
  return out;
}
