/**
 * Optional real corpora (by path, never copied): benign prompts (JSONL with `text`), multi-turn conversations
 * (JSONL with `conversations`: [{from, value}]), distillation templates (JSONL with `template`) and seed tasks
 * (JSONL with `instruction`). Formats are recognised per line, so any mix of files may be given.
 */
import { readFileSync } from 'node:fs';
import type { Capability } from '../model/capabilities.js';
import { SimulateInputError } from './types.js';

export interface CorpusPrompt {
  text: string;
  lang: string;
  cap: Capability;
}

export interface Corpora {
  prompts: CorpusPrompt[];
  /** Conversations as alternating user/assistant texts, starting with user. */
  conversations: string[][];
  /** Distillation-pipeline templates: system-message style and instruction-generation style. */
  systemTemplates: string[];
  generationTemplates: string[];
  /** Seed tasks (instruction plus optional input). */
  seedTasks: string[];
}

const MAX_TURN = 400;
const MAX_TEMPLATE = 2000;

/** Heuristic capability of a real prompt (the corpus has no labels; this is the simulator's ground truth). */
export function guessCapability(text: string, source = ''): Capability {
  const t = text.toLowerCase();
  if (source.includes('conala')) return 'coding';
  if (/\btranslat|翻译|traduc|übersetz/.test(t)) return 'translation';
  if (/\b(code|function|python|javascript|typescript|java|sql|regex|bug|error|exception|api|script|docker|git|compile|class|array|html|css|react|node|bash|linux)\b/.test(t)) return 'coding';
  if (/\b(poem|story|song|lyrics|essay|novel|haiku|script for|blog post)\b/.test(t)) return 'creative_writing';
  if (/\b(solve|equation|probability|calculate|integral|derivative|prove|math)\b/.test(t)) return 'reasoning_math';
  if (/\b(csv|excel|spreadsheet|dataset|data analysis|chart|statistics|pandas)\b/.test(t)) return 'data_analysis';
  if (/^(what|why|how|who|when|where|which|is|are|does|can)\b/.test(t)) return 'knowledge_qa';
  return 'general_chat';
}

/** Texts by the capability `guessCapability` gives them (the simulator's ground truth for corpus text). */
export function byCapability(texts: readonly string[]): Map<Capability, string[]> {
  const m = new Map<Capability, string[]>();
  for (const t of texts) {
    const cap = guessCapability(t);
    (m.get(cap) ?? m.set(cap, []).get(cap)!).push(t);
  }
  return m;
}

function readLines(path: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SimulateInputError(`cannot read corpus ${path}: ${(e as Error).message}`);
  }
  const out: unknown[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = (lines[i] as string).trim();
    if (!l) continue;
    try {
      out.push(JSON.parse(l));
    } catch {
      throw new SimulateInputError(`corpus ${path} line ${i + 1} is not JSON`);
    }
  }
  return out;
}

export function emptyCorpora(): Corpora {
  return { prompts: [], conversations: [], systemTemplates: [], generationTemplates: [], seedTasks: [] };
}

/** Load every file; each line is sorted into the pool its fields indicate. */
export function loadCorpora(benign: readonly string[] = [], templates: readonly string[] = []): Corpora {
  const c = emptyCorpora();
  for (const path of [...benign, ...templates]) {
    let used = 0;
    for (const rec of readLines(path)) {
      if (!rec || typeof rec !== 'object') continue;
      const r = rec as Record<string, unknown>;
      if (typeof r.text === 'string' && r.text.trim().length > 3) {
        const text = r.text.trim().slice(0, 1200);
        c.prompts.push({ text, lang: typeof r.lang === 'string' && r.lang ? r.lang : 'en', cap: guessCapability(text, String(r.source ?? '')) });
        used++;
      } else if (Array.isArray(r.conversations)) {
        const turns: string[] = [];
        for (const t of r.conversations as Array<Record<string, unknown>>) {
          const who = t?.from === 'human' || t?.from === 'user' ? 'user' : 'assistant';
          if (turns.length === 0 && who !== 'user') continue;
          if (turns.length % 2 === (who === 'user' ? 1 : 0)) continue; // keep strict alternation
          turns.push(String(t?.value ?? '').slice(0, MAX_TURN));
        }
        if (turns.length >= 2) {
          c.conversations.push(turns);
          used++;
        }
      } else if (typeof r.template === 'string') {
        const t = r.template.trim();
        if (t.length > MAX_TEMPLATE || t.length < 40) continue;
        if (/system_messages/i.test(String(r.family ?? '')) && !/^TOPICS/.test(t)) c.systemTemplates.push(t);
        else c.generationTemplates.push(t);
        used++;
      } else if (typeof r.instruction === 'string') {
        const inst = (r.instances as Array<Record<string, unknown>> | undefined)?.[0];
        const input = typeof inst?.input === 'string' ? inst.input.slice(0, 600) : '';
        c.seedTasks.push(input ? `${r.instruction}\n\n${input}` : r.instruction);
        used++;
      }
    }
    if (used === 0) throw new SimulateInputError(`corpus ${path} has no usable records (expected fields text, conversations, template or instruction)`);
  }
  return c;
}
