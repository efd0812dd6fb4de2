import { test } from 'node:test';
import assert from 'node:assert/strict';
import { textSignals } from './index.js';
import { rubricScore } from './rubric.js';
import { benignPrompts, needsCorpora } from './corpora.js';

const D = { tools: 0, has_image: false, turns: 1, reasoning_requested: false, tool_calls_in: 0 };
const rubric = (p: string) => textSignals(p, null, D).rubric;

test('reward-model grading phrasings score high', () => {
  for (const p of [
    'Score this answer from 1-10 according to the rubric.\n\nAnswer: ...',
    'Which response is better, A or B? Output [[A]] or [[B]].',
    'Please act as an impartial judge and evaluate the quality of the response provided by an AI assistant.',
    "Evaluate the assistant's answer below and assign a reward between 0 and 1.",
    'Califica la respuesta en una escala del 1 al 10 según la rúbrica.',
    'Notez la réponse sur une échelle de 1 à 10.',
    'Bewerte die Antwort auf einer Skala von 1 bis 10.',
    'Оцени ответ по шкале от 1 до 10.',
    '请根据评分标准给这个回答打分（1到10分）。',
    'どちらの回答が良いですか？採点基準に従って答えてください。',
    '채점 기준에 따라 답변을 평가해 주세요.',
    'Hangi yanıt daha iyi? Yanıtı puanla.',
  ]) assert.ok(rubric(p) >= 0.6, `${rubric(p)} for ${p}`);
});

test('look-alikes stay low', () => {
  assert.ok(rubric('Rate this restaurant: the pasta was great') < 0.5);
  assert.ok(rubric('What is the exchange rate from USD to EUR?') === 0);
  assert.ok(rubric('I scored 8 out of 10 on my exam, how do I improve?') < 0.5);
  assert.equal(rubricScore(''), 0);
});

test('benign corpus prompts rarely score above 0.5', needsCorpora, () => {
  const rows = benignPrompts();
  let high = 0;
  for (const r of rows) if (rubric(r.text) > 0.5) high++;
  // Measured: 3 of 5,862 (teachers asking for a rubric).
  assert.ok(high / rows.length < 0.01, `share above 0.5: ${high / rows.length}`);
});
