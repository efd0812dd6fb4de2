/**
 * The capability taxonomy: what a request asks the model to do. Shared by the simulator (ground truth),
 * the request classifier (signals) and reports, so that names always agree.
 */
export const CAPABILITIES = [
  'coding',
  'software_engineering',
  'agentic_tool_use',
  'reasoning_math',
  'data_analysis',
  'vision',
  'creative_writing',
  'translation',
  'knowledge_qa',
  'rubric_grading',
  'general_chat',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** Display names, as a report would print them. */
export const CAPABILITY_LABELS: Record<Capability, string> = {
  coding: 'coding',
  software_engineering: 'software engineering',
  agentic_tool_use: 'agentic reasoning and tool use',
  reasoning_math: 'reasoning and math',
  data_analysis: 'data analysis',
  vision: 'vision',
  creative_writing: 'creative writing',
  translation: 'translation',
  knowledge_qa: 'knowledge Q&A',
  rubric_grading: 'rubric grading (reward modelling)',
  general_chat: 'general chat',
};

/** Capabilities a distiller values most: expensive to produce, high transfer value. */
export const HIGH_VALUE_CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>([
  'coding',
  'software_engineering',
  'agentic_tool_use',
  'reasoning_math',
  'data_analysis',
  'rubric_grading',
  'vision',
]);

export function isCapability(s: string): s is Capability {
  return (CAPABILITIES as readonly string[]).includes(s);
}
