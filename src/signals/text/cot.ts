/**
 * Chain-of-thought / reasoning-trace elicitation.
 *
 * A multilingual lexicon of phrasings that ask the model to write out its reasoning, in three strengths:
 * - strong (0.8-0.9): trace harvesting. "internal reasoning", "reasoning trace", "reconstruct the reasoning behind
 *   this completed answer", "<think>" tags, "chain of thought": asks for the reasoning itself as the product;
 * - medium (0.5-0.7): "show/explain your reasoning", "thought process", "reasoning process", "detailed reasoning";
 * - weak (0.25-0.4): "step by step", "think carefully", "justify your answer": common in honest use and evaluations.
 * Score: strongest cue + a quarter of the other distinct cues (scanner.ts ScanResult.strength), 0..1.
 * Plain "think step by step" therefore stays below 0.5; one trace-harvesting phrase is enough to exceed 0.8.
 */
import type { SignalMeta } from '../types.js';
import { Lexicon, ScanResult, type PhraseList } from './scanner.js';
import { prepare } from './prep.js';

const S = 0.85; // trace harvesting
const M = 0.6; // explicit request to show the reasoning
const W = 0.35; // common step-by-step phrasing

export const COT_PHRASES: PhraseList = [
  // English
  ['internal reasoning', S], ['internal thought*', S], ['inner monologue', 0.75], ['internal monologue', 0.75],
  ['hidden reasoning', S], ['private reasoning', S], ['reasoning trace*', 0.9], ['thinking trace*', 0.9], ['thought trace*', 0.85],
  ['full reasoning', 0.75], ['complete reasoning', 0.75], ['entire reasoning', 0.75], ['detailed reasoning', 0.65],
  ['intermediate reasoning', 0.8], ['reasoning chain*', 0.75], ['chain of thought*', 0.75], ['chains of thought', 0.75], ['cot reasoning', 0.75],
  ['reasoning path*', 0.6], ['reasoning process', M], ['reasoning steps', M], ['thinking process', M], ['thought process', M],
  ['articulate the reasoning', S], ['articulate your reasoning', S], ['articulate the internal', 0.9], ['articulate the thought*', S],
  ['imagine and articulate', 0.8], ['reconstruct the reasoning', 0.9], ['reconstruct your reasoning', 0.9], ['reconstruct the thought*', 0.9],
  ['reasoning behind', 0.65], ['behind the completed', 0.7], ['behind this completed', 0.7], ['behind a completed', 0.7],
  ['write out your reasoning', 0.75], ['write out the reasoning', 0.75], ['write out the full', 0.6], ['write out each step', 0.55],
  ['write out your thought*', 0.75], ['verbalize your reasoning', 0.75], ['verbalize your thought*', 0.75],
  ['<think>', 0.85], ['</think>', 0.85], ['<thinking>', 0.85], ['</thinking>', 0.85], ['<reasoning>', 0.85], ['<scratchpad>', 0.85],
  ['scratchpad', 0.55], ['show your reasoning', M], ['show the reasoning', M], ['show your thinking', M], ['show your thought*', M],
  ['show your work', 0.5], ['show all your work', 0.5], ['show your steps', 0.45], ['show all steps', 0.45], ['show the steps', 0.4],
  ['explain your reasoning', 0.55], ['explain your thought*', 0.55], ['explain your thinking', 0.55], ['explain the reasoning', 0.5],
  ['explain each step', 0.4], ['justify your answer', W], ['justify each step', 0.45], ['justify your steps', 0.45],
  ['walk through your reasoning', M], ['walk me through your reasoning', M], ['walk me through', 0.25],
  ['step by step', W], ['step by step reasoning', 0.5], ['stepwise', W], ['one step at a time', W],
  ["let's think", 0.3], ['lets think', 0.3], ['think carefully', 0.3], ['think through', 0.3], ['think it through', 0.3],
  ['think aloud', 0.5], ['think out loud', 0.5], ['reason carefully', 0.4], ['reason step', 0.45], ['reason through', 0.4],
  ['before answering', 0.25], ['before you answer', 0.25], ['before giving the final answer', 0.4], ['logical reasoning', 0.3],
  ['intermediate steps', 0.5], ['sub-questions', 0.35], ['multiple reasoning paths', 0.75], ['intermediate thoughts', 0.75],
  ['rationale', 0.3],
  // Spanish
  ['paso a paso', W], ['paso por paso', W], ['razonamiento', 0.4], ['razonamiento interno', S], ['razonamiento detallado', 0.65],
  ['cadena de pensamiento*', 0.75], ['proceso de pensamiento', M], ['proceso de razonamiento', M], ['muestra tu razonamiento', M],
  ['explica tu razonamiento', M], ['muestra tu trabajo', 0.5], ['piensa paso a paso', 0.4], ['piensa detenidamente', 0.3],
  ['pensamiento interno', S],
  // French
  ['étape par étape', W], ['pas à pas', W], ['raisonnement', 0.4], ['raisonnement interne', S], ['raisonnement détaillé', 0.65],
  ['chaîne de pensée*', 0.75], ['chaîne de raisonnement', 0.75], ['processus de réflexion', M], ['processus de raisonnement', M],
  ['montre ton raisonnement', M], ['montrez votre raisonnement', M], ['explique ton raisonnement', M], ['expliquez votre raisonnement', M],
  ['réfléchis étape par étape', 0.4], ['réfléchissez étape par étape', 0.4],
  // German
  ['schritt für schritt', W], ['schrittweise', W], ['gedankengang', 0.55], ['denkprozess', 0.55], ['gedankenkette', 0.75],
  ['interne überlegung*', S], ['internes denken', S], ['internes schlussfolgern', S], ['lösungsweg', 0.4],
  ['erkläre deine überlegungen', M], ['erklären sie ihre überlegungen', M], ['zeige deine überlegungen', M], ['begründe deine antwort', W],
  ['denke schritt für schritt', 0.4], ['denken sie schritt für schritt', 0.4],
  // Portuguese
  ['passo a passo', W], ['raciocínio', 0.4], ['raciocínio interno', S], ['raciocínio detalhado', 0.65], ['cadeia de pensamento*', 0.75],
  ['processo de pensamento', M], ['processo de raciocínio', M], ['mostre seu raciocínio', M], ['explique seu raciocínio', M],
  ['pense passo a passo', 0.4],
  // Italian
  ['passo dopo passo', W], ['passo per passo', W], ['ragionamento', 0.4], ['ragionamento interno', S], ['ragionamento dettagliato', 0.65],
  ['catena di pensiero', 0.75], ['catena di ragionamento', 0.75], ['processo di pensiero', M], ['processo di ragionamento', M],
  ['mostra il tuo ragionamento', M], ['spiega il tuo ragionamento', M], ['pensa passo dopo passo', 0.4],
  // Russian
  ['шаг за шагом', W], ['пошагов*', W], ['рассуждени*', 0.4], ['цепочка рассуждений', 0.75], ['цепочку рассуждений', 0.75],
  ['цепочка мыслей', 0.75], ['ход мыслей', 0.55], ['ход рассуждений', M], ['ход решения', 0.45], ['внутренние рассуждения', S],
  ['внутреннее рассуждение', S], ['внутренний монолог', 0.75], ['объясни свои рассуждения', M], ['покажи свои рассуждения', M],
  ['подробные рассуждения', 0.65], ['процесс мышления', M],
  // Chinese (simplified and traditional)
  ['一步一步', W], ['一步步', W], ['逐步', W], ['分步', W], ['思维链', 0.75], ['思維鏈', 0.75], ['推理链', 0.75], ['推理鏈', 0.75],
  ['思考过程', 0.55], ['思考過程', 0.55], ['推理过程', M], ['推理過程', M], ['推理步骤', M], ['推理步驟', M], ['解题步骤', 0.45],
  ['内部推理', S], ['內部推理', S], ['内心独白', 0.75], ['详细推理', 0.65], ['詳細推理', 0.65], ['展示你的推理', M], ['写出推理', 0.7],
  ['写出你的推理', 0.75], ['仔细思考', 0.3], ['完整的推理', 0.75], ['思路', 0.3],
  // Japanese
  ['ステップバイステップ', W], ['段階的に', W], ['一歩ずつ', W], ['順を追って', W], ['推論過程', M], ['推論の過程', M],
  ['思考の連鎖', 0.75], ['内部推論', S], ['内部の推論', S], ['考え方を説明', 0.5], ['推論を示', M], ['思考を書き出', 0.75],
  // Korean
  ['단계별', W], ['단계적으로', W], ['차근차근', W], ['사고 과정', 0.55], ['추론 과정', M], ['사고의 사슬', 0.75], ['생각의 사슬', 0.75],
  ['내부 추론', S], ['추론을 보여', M], ['풀이 과정', 0.45], ['생각 과정', 0.55],
  // Arabic
  ['خطوة بخطوة', W], ['سلسلة الأفكار', 0.75], ['سلسلة التفكير', 0.75], ['عملية التفكير', 0.55], ['التفكير الداخلي', S],
  ['الاستدلال الداخلي', S], ['الاستدلال', 0.4], ['اشرح استدلالك', M], ['اشرح طريقة تفكيرك', M], ['خطوات الحل', 0.45],
  // Hindi
  ['चरण दर चरण', W], ['कदम दर कदम', W], ['चरणबद्ध', W], ['विचार प्रक्रिया', 0.55], ['तर्क प्रक्रिया', M], ['आंतरिक तर्क', S],
  ['विचार श्रृंखला', 0.75], ['अपना तर्क दिखाएं', M], ['अपना तर्क समझाएं', M], ['तर्क समझाएं', 0.5],
  // Turkish
  ['adım adım', W], ['düşünce zinciri', 0.75], ['düşünce süreci', 0.55], ['akıl yürütme', 0.4], ['iç akıl yürütme', S],
  ['akıl yürütmeni göster', M], ['akıl yürütmenizi gösterin', M], ['mantığını açıkla', 0.55],
  // Vietnamese
  ['từng bước', W], ['chuỗi suy nghĩ', 0.75], ['quá trình suy nghĩ', 0.55], ['quá trình suy luận', M], ['suy luận', 0.4],
  ['suy luận nội bộ', S], ['lập luận nội bộ', S], ['giải thích lập luận', M], ['trình bày lời giải', 0.4],
  // Indonesian
  ['langkah demi langkah', W], ['langkah per langkah', W], ['rantai pemikiran', 0.75], ['proses berpikir', 0.55], ['penalaran', 0.4],
  ['penalaran internal', S], ['tunjukkan penalaran', M], ['jelaskan penalaran', M], ['jelaskan alasan', W],
  // Polish
  ['krok po kroku', W], ['łańcuch myśli', 0.75], ['tok rozumowania', M], ['proces myślowy', 0.55], ['rozumowani*', 0.4],
  ['wewnętrzne rozumowanie', S], ['pokaż swoje rozumowanie', M], ['wyjaśnij swoje rozumowanie', M],
  // Dutch
  ['stap voor stap', W], ['stapsgewijs', W], ['gedachtegang', 0.55], ['denkproces', 0.55], ['redenering', 0.4], ['interne redenering', S],
  ['toon je redenering', M], ['leg je redenering uit', M], ['keten van gedachten', 0.75],
];

export const COT_META: SignalMeta = {
  id: 'text.cot_elicitation',
  title: 'Chain-of-thought / reasoning-trace elicitation',
  rationale:
    'Distillation pipelines harvest reasoning traces: they ask the model to think step by step, to show or write out ' +
    'its reasoning, or to reconstruct the internal reasoning behind a finished answer, in many languages. Phrasings ' +
    'that ask for the reasoning itself as the product weigh most.',
  falsePositives: [
    'Benchmark and evaluation runs that add "think step by step" to every question (weak cue; account-level logic looks at volume, diversity and templating).',
    'Students and teachers asking for worked solutions ("show your work").',
    'Agent and coding-assistant system prompts that ask for careful reasoning (system prompts weigh less and are shared, not per-account).',
  ],
  references: [
    'https://arxiv.org/abs/2201.11903 (chain-of-thought prompting)',
    'https://arxiv.org/abs/2306.02707 (Orca: explanation tuning with system messages)',
    'Public 2026 provider reports of industrial-scale distillation campaigns (summarised in README.md)',
  ],
  level: 'interaction',
};

let own: { lex: Lexicon; g: number; out: ScanResult } | null = null;

/** Standalone chain-of-thought strength of one text (textSignals uses the shared combined scan instead). */
export function cotScore(text: string | null): number {
  if (!text) return 0;
  if (own === null) {
    const lex = new Lexicon();
    const g = lex.addGroup('cot', COT_PHRASES);
    own = { lex, g, out: new ScanResult(lex.groups.length) };
  }
  return own.lex.scan(prepare(text), own.out).strength(own.g);
}
