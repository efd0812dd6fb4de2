/**
 * Rubric / reward-model grading: the model used as a judge or reward model ("score this answer from 1-10 against the
 * rubric", "which response is better, A or B", "assign a reward"). Preference and reward data is what RLHF-style
 * distillation needs. Multilingual lexicon, scored like cot.ts (strongest cue + a quarter of the others, 0..1):
 * - strong (0.75-0.9): grading a response/answer, pairwise preference, rewards, "impartial judge";
 * - medium (0.45-0.65): "rubric", "on a scale of", "evaluation criteria", "assign a score";
 * - weak (0.2-0.4): "out of 10", "helpfulness", "response a".
 */
import type { SignalMeta } from '../types.js';
import { Lexicon, ScanResult, type PhraseList } from './scanner.js';
import { prepare } from './prep.js';

export const RUBRIC_PHRASES: PhraseList = [
  // English
  ['rubric', 0.55], ['according to the rubric', 0.85], ['scoring rubric', 0.8], ['grading rubric', 0.8], ['evaluation rubric', 0.8],
  ['against the rubric', 0.85], ['using the rubric', 0.8], ['on a scale of', 0.45], ['on a scale from', 0.45], ['likert', 0.5],
  ['rate the following', 0.55], ['rate this response', 0.8], ['rate the response', 0.8], ['rate the responses', 0.8], ['rate the answer', 0.75],
  ['rate this answer', 0.75], ['rate the quality', 0.6], ['rate each', 0.45], ['grade the following', 0.6], ['grade the response', 0.8],
  ['grade this response', 0.8], ['grade the answer', 0.75], ['grade this answer', 0.75], ['score the following', 0.6],
  ['score the response', 0.8], ['score this response', 0.8], ['score the answer', 0.75], ['score this answer', 0.75], ['score each', 0.5],
  ['evaluate the response', 0.7], ['evaluate the following response', 0.75], ['evaluate the responses', 0.75], ['evaluate the answer', 0.6],
  ["evaluate the assistant's", 0.85], ['evaluate the ai', 0.75], ["the assistant's response", 0.45], ["the assistant's answer", 0.45],
  ['judge the quality', 0.7], ['judge the response', 0.8], ['impartial judge', 0.85], ['as a judge', 0.5], ['llm as a judge', 0.6],
  ['which response is better', 0.85], ['which answer is better', 0.8], ['which of the two responses', 0.85], ['which of the two answers', 0.8],
  ['which response is more', 0.75], ['which assistant', 0.6], ['response a', 0.4], ['response b', 0.4], ['assistant a', 0.45],
  ['assistant b', 0.45], ['[[a]]', 0.65], ['[[b]]', 0.65], ['preferred response', 0.65], ['better response', 0.5], ['chosen response', 0.6],
  ['rejected response', 0.7], ['pairwise comparison', 0.5], ['preference', 0.2], ['assign a reward', 0.9], ['reward score', 0.85],
  ['reward model', 0.55], ['reward signal', 0.6], ['assign a score', 0.6], ['give a score', 0.45], ['provide a score', 0.5],
  ['output a score', 0.55], ['final score', 0.45], ['numerical score', 0.5], ['score between', 0.45], ['score from', 0.35],
  ['out of 10', 0.35], ['evaluation criteria', 0.45], ['grading criteria', 0.6], ['scoring criteria', 0.6], ['helpfulness', 0.35],
  ['harmlessness', 0.4], ['honesty and harmlessness', 0.5], ['factual accuracy', 0.2],
  // Spanish
  ['rúbrica', 0.55], ['según la rúbrica', 0.85], ['califica la respuesta', 0.8], ['evalúa la respuesta', 0.7], ['en una escala del', 0.45],
  ['en una escala de', 0.45], ['puntuación', 0.3], ['qué respuesta es mejor', 0.8], ['cuál respuesta es mejor', 0.8], ['criterios de evaluación', 0.45],
  // French
  ["grille d'évaluation", 0.6], ['barème', 0.5], ['note la réponse', 0.8], ['notez la réponse', 0.8], ['évalue la réponse', 0.7],
  ['évaluez la réponse', 0.7], ['sur une échelle de', 0.45], ['quelle réponse est meilleure', 0.8], ['quelle réponse est la meilleure', 0.8],
  ["critères d'évaluation", 0.45],
  // German
  ['bewertungsraster', 0.6], ['bewertungskriterien', 0.45], ['bewerte die antwort', 0.8], ['bewerten sie die antwort', 0.8],
  ['auf einer skala von', 0.45], ['welche antwort ist besser', 0.8], ['rubrik', 0.35],
  // Portuguese
  ['rubrica de avaliação', 0.6], ['avalie a resposta', 0.7], ['dê uma nota', 0.5], ['numa escala de', 0.45], ['em uma escala de', 0.45],
  ['qual resposta é melhor', 0.8], ['critérios de avaliação', 0.45],
  // Italian
  ['griglia di valutazione', 0.6], ['valuta la risposta', 0.7], ['su una scala da', 0.45], ['quale risposta è migliore', 0.8],
  ['criteri di valutazione', 0.45],
  // Russian
  ['оцени ответ', 0.8], ['оцените ответ', 0.8], ['по шкале от', 0.45], ['какой ответ лучше', 0.8], ['критерии оценки', 0.45], ['рубрик*', 0.45],
  // Chinese
  ['评分标准', 0.65], ['評分標準', 0.65], ['评分细则', 0.7], ['打分', 0.5], ['评分', 0.45], ['評分', 0.45], ['评估回答', 0.7], ['评估这个回答', 0.75],
  ['哪个回答更好', 0.85], ['哪個回答更好', 0.85], ['哪个回复更好', 0.85], ['给出分数', 0.5], ['奖励分数', 0.9], ['奖励模型', 0.55],
  // Japanese
  ['採点基準', 0.65], ['評価基準', 0.45], ['採点', 0.45], ['どちらの回答が良い', 0.85], ['どちらの回答がより良い', 0.85], ['回答を評価', 0.7],
  ['点数をつけ', 0.5],
  // Korean
  ['채점 기준', 0.65], ['평가 기준', 0.45], ['점수를 매겨', 0.55], ['어느 답변이 더 좋', 0.85], ['어떤 답변이 더 좋', 0.85], ['답변을 평가', 0.7],
  // Arabic
  ['معايير التقييم', 0.5], ['قيّم الإجابة', 0.75], ['قيم الإجابة', 0.75], ['على مقياس من', 0.45], ['أي إجابة أفضل', 0.8],
  // Hindi
  ['मूल्यांकन मानदंड', 0.5], ['उत्तर का मूल्यांकन', 0.7], ['के पैमाने पर', 0.45], ['कौन सा उत्तर बेहतर', 0.8],
  // Turkish
  ['değerlendirme ölçütleri', 0.5], ['cevabı puanla', 0.75], ['yanıtı puanla', 0.75], ['yanıtı değerlendir', 0.7], ['hangi yanıt daha iyi', 0.8],
  ['hangi cevap daha iyi', 0.8], ['ölçeğinde', 0.35],
  // Vietnamese
  ['tiêu chí chấm điểm', 0.65], ['chấm điểm', 0.5], ['đánh giá câu trả lời', 0.7], ['câu trả lời nào tốt hơn', 0.8], ['thang điểm', 0.45],
  // Indonesian
  ['rubrik penilaian', 0.65], ['nilai jawaban', 0.6], ['beri skor', 0.55], ['jawaban mana yang lebih baik', 0.8], ['kriteria penilaian', 0.45],
  // Polish
  ['oceń odpowiedź', 0.75], ['kryteria oceny', 0.45], ['w skali od', 0.45], ['która odpowiedź jest lepsza', 0.8],
  // Dutch
  ['beoordeel het antwoord', 0.75], ['beoordelingsrubriek', 0.7], ['op een schaal van', 0.45], ['welk antwoord is beter', 0.8],
  ['beoordelingscriteria', 0.45],
];

export const RUBRIC_META: SignalMeta = {
  id: 'text.rubric_grading',
  title: 'Rubric / reward-model grading',
  rationale:
    'Using the model as a judge or reward model (grading responses against a rubric, choosing the better of two ' +
    'responses, assigning rewards) produces preference and reward data for training another model.',
  falsePositives: [
    'Teachers grading essays against a rubric; product teams running LLM-as-a-judge evaluations of their own system.',
    'Users asking which of two drafts of their own text is better.',
  ],
  references: [
    'https://arxiv.org/abs/2306.05685 (Judging LLM-as-a-judge, MT-Bench)',
    'https://arxiv.org/abs/2204.05862 (RLHF with preference models)',
    'Public 2026 provider reports of industrial-scale distillation campaigns (summarised in README.md)',
  ],
  level: 'interaction',
};

let own: { lex: Lexicon; g: number; out: ScanResult } | null = null;

/** Standalone rubric-grading strength of one text (textSignals uses the shared combined scan instead). */
export function rubricScore(text: string | null): number {
  if (!text) return 0;
  if (own === null) {
    const lex = new Lexicon();
    const g = lex.addGroup('rubric', RUBRIC_PHRASES);
    own = { lex, g, out: new ScanResult(lex.groups.length) };
  }
  return own.lex.scan(prepare(text), own.out).strength(own.g);
}
