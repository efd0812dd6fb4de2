/**
 * Request capability classifier: deterministic, documented rule scoring over cue phrases (multilingual lexicons,
 * one group per capability, scanned together with the other lexicons) and structural features of the text and the
 * request. Each class gets a score; the highest wins if it reaches MIN_SCORE, else 'general_chat'.
 *
 * Rules (scores add up):
 * - cue phrases: the sum of the weights of the distinct cues of the class found (1-1.5 strong, 0.3-0.6 weak), capped at 3;
 *   the system prompt's cues count half (a coding agent's system prompt says what the session is about), and so do
 *   the cues of a persona sentence in the prompt ("You are an expert mathematics assistant.");
 * - coding: a code fence (```) +1.5; code-character density ({ } ; = ( ) < > _ per character) above 4% +1, above 8% +2;
 *   two or more semicolons over several lines +0.5;
 * - reasoning_math: maths symbols (∑ ∫ ≤ ...) +1; LaTeX ($ with \\) +1; digits with arithmetic operators in a short text +0.5;
 *   an equation or power written out (x^2, 11^12, |x - 3|, 3x + 7 = 22: `EQUATION`, independent of the language) +1;
 * - data_analysis: a markdown table (6+ '|' over 2+ lines) +1.2; CSV-like lines (2+ commas per line, 3+ lines) +0.8; tabs +0.6;
 * - knowledge_qa: a question mark +0.4 (+0.2 more when under 200 characters);
 * - agentic_tool_use: tool definitions in the request +2.5; tool results in the history +3.5;
 * - vision: an image or file sent +3;
 * - rubric_grading: when the rubric signal is 0.5 or more, 2 + 2 x rubric;
 * - software_engineering wins over coding only on its own cues (architecture, deploy, tests, PR...), which is how
 *   "refactor this service and add tests" differs from "fix this function".
 */
import type { Capability } from '../../model/capabilities.js';
import type { SignalMeta } from '../types.js';
import { C, type PhraseList, type ScanResult } from './scanner.js';

/** Cue lexicons per capability (rubric_grading comes from rubric.ts, general_chat is the fallback). */
export const CAPABILITY_PHRASES: ReadonlyArray<readonly [Capability, PhraseList]> = [
  ['coding', [
    ['python', 1.5], ['javascript', 1.5], ['typescript', 1.5], ['java', 1.2], ['c++', 1.5], ['c#', 1.5], ['golang', 1.5], ['rust', 0.8],
    ['ruby', 0.8], ['php', 1.5], ['kotlin', 1.5], ['swift', 0.6], ['scala', 1], ['haskell', 1.2], ['perl', 1], ['bash', 1.2], ['powershell', 1.2],
    ['html', 1.2], ['css', 1.2], ['react', 1], ['vue', 0.8], ['angular', 1], ['django', 1.5], ['flask', 1.2], ['node.js', 1.5], ['nodejs', 1.5],
    ['jquery', 1.5], ['numpy', 1.2], ['regex', 1.2], ['regular expression', 1.2], ['function', 0.6], ['def', 0.8], ['class', 0.3],
    ['import', 0.6], ['return', 0.4], ['const', 0.8], ['console.log', 1.5], ['print(', 1], ['println', 1.5], ['printf', 1.5], ['#include', 1.5],
    ['public static', 1.5], ['void', 0.8], ['null', 0.5], ['undefined', 0.8], ['exception', 0.8], ['traceback', 1.5], ['stack trace', 1.2],
    ['error:', 0.6], ['typeerror', 1.5], ['valueerror', 1.5], ['syntaxerror', 1.5], ['keyerror', 1.5], ['attributeerror', 1.5],
    ['indexerror', 1.5], ['nullpointerexception', 1.5], ['segmentation fault', 1.5], ['compile', 0.8], ['compiler', 1], ['syntax', 0.8],
    ['variable', 0.6], ['variables', 0.6], ['array', 0.8], ['arrays', 0.8], ['string', 0.6], ['strings', 0.6], ['integer', 0.5], ['boolean', 0.8],
    ['list of', 0.3], ['dictionary', 0.4], ['dict', 1], ['tuple', 1], ['loop', 0.6], ['for loop', 1], ['recursion', 1], ['recursive', 0.6],
    ['algorithm', 0.6], ['code', 0.8], ['coding', 0.8], ['script', 0.5], ['debug', 1], ['bug', 0.5], ['snippet', 0.8], ['library', 0.4],
    ['module', 0.4], ['npm', 1.2], ['pip', 0.8], ['json', 0.6], ['xml', 0.6], ['parse', 0.6], ['lambda', 0.8], ['iterate', 0.8],
    ['datetime', 1], ['implement', 0.5], ['program', 0.5], ['programming', 0.8], ['leetcode', 1.5], ['method', 0.3], ['object', 0.3],
    ['file', 0.2], ['unicode', 0.6], ['utf-8', 0.6], ['selenium', 1.2], ['opencv', 1.2], ['tkinter', 1.5], ['matplotlib', 0.8],
    ['código', 0.8], ['función', 0.5], ['programa', 0.4], ['fonction', 0.5], ['funktion', 0.5], ['programmier*', 0.8], ['код', 0.8],
    ['функци*', 0.5], ['программ*', 0.5], ['代码', 1], ['函数', 0.8], ['编程', 1], ['程序', 0.5], ['程式', 0.5], ['コード', 1], ['関数', 0.8],
    ['プログラム', 0.6], ['코드', 1], ['함수', 0.8], ['프로그램', 0.5], ['الكود', 0.8], ['برمجة', 0.8], ['कोड', 0.8], ['kod', 0.6],
    ['fonksiyon', 0.5], ['mã nguồn', 0.8], ['kode', 0.6], ['fungsi', 0.4], ['funkcj*', 0.4], ['functie', 0.4],
  ]],
  ['software_engineering', [
    ['refactor*', 1.2], ['architecture', 0.8], ['design pattern*', 1.2], ['microservice*', 1.2], ['deploy*', 0.8], ['ci/cd', 1.2],
    ['pull request', 1.2], ['code review', 1.2], ['unit test*', 1], ['integration test*', 1], ['test coverage', 1.2], ['test suite', 1],
    ['repository', 0.6], ['github', 0.8], ['gitlab', 0.8], ['git', 0.6], ['docker*', 1], ['kubernetes', 1.2], ['k8s', 1.2], ['terraform', 1.2],
    ['aws', 0.8], ['azure', 0.8], ['gcp', 0.8], ['scalab*', 0.6], ['api design', 1.2], ['rest api', 0.8], ['endpoint*', 0.6],
    ['database schema', 1], ['migration*', 0.6], ['devops', 1.2], ['backend', 0.8], ['frontend', 0.8], ['system design', 1.2],
    ['technical debt', 1.2], ['codebase', 1], ['monorepo', 1.2], ['dependency injection', 1.2], ['load balancer', 1], ['infrastructure', 0.6],
    ['production', 0.4], ['staging', 0.6], ['version control', 1], ['ci pipeline', 1], ['nginx', 0.8], ['server', 0.4], ['web app', 0.6],
    ['arquitectura', 0.8], ['refactoriz*', 1.2], ['despliegue', 0.8], ['pruebas unitaires', 1], ['pruebas unitarias', 1], ['architektur', 0.8],
    ['архитектур*', 0.8], ['рефакторинг', 1.2], ['деплой', 0.8], ['架构', 0.8], ['重构', 1.2], ['部署', 0.8], ['单元测试', 1],
    ['アーキテクチャ', 0.8], ['リファクタリング', 1.2], ['デプロイ', 0.8], ['아키텍처', 0.8], ['리팩토링', 1.2], ['배포', 0.8],
  ]],
  ['agentic_tool_use', [
    ['you have access to the following tools', 2], ['available tools', 1.2], ['use the tool', 1.2], ['tool call*', 1.2], ['function call*', 1],
    ['call the function', 1], ['observation:', 1], ['action input', 1.2], ['search the web', 0.8], ['browse', 0.5], ['run the command', 0.8],
    ['execute the command', 0.8], ['terminal', 0.4], ['agent', 0.4], ['herramienta*', 0.5], ['outils', 0.4], ['werkzeug*', 0.4],
    ['ferramenta*', 0.5], ['инструмент*', 0.4], ['工具', 0.5], ['ツール', 0.5], ['도구', 0.5],
  ]],
  ['reasoning_math', [
    ['prove', 1], ['proof', 1], ['theorem', 1.2], ['lemma', 1.2], ['equation', 1.2], ['equations', 1.2], ['solve for', 1.2], ['integral', 1.2],
    ['derivative', 1.2], ['calculate', 0.8], ['probability', 1], ['how many', 0.5], ['sum of', 0.6], ['square root', 1], ['prime', 0.6],
    ['polynomial', 1.2], ['geometry', 1], ['triangle', 0.8], ['radius', 0.8], ['algebra', 1], ['calculus', 1.2], ['fraction', 0.8],
    ['percent', 0.4], ['percentage', 0.4], ['puzzle', 0.6], ['riddle', 0.6], ['factorial', 1], ['divisible', 1], ['inequality', 0.8],
    ['real numbers', 1], ['minimum value', 1], ['maximum value', 1], ['area of', 0.8], ['perimeter', 1], ['math', 1], ['maths', 1],
    ['mathematics', 1], ['arithmetic', 1], ['formula', 0.6], ['\\frac', 1.2], ['\\sqrt', 1.2], ['km/h', 0.6], ['mph', 0.4],
    ['ecuación', 1.2], ['demuestra', 1], ['calcula', 0.8], ['probabilidad', 1], ['équation', 1.2], ['démontre*', 1], ['calculer', 0.8],
    ['gleichung', 1.2], ['beweise', 1], ['berechne', 0.8], ['equação', 1.2], ['calcule', 0.8], ['equazione', 1.2], ['dimostra', 1], ['calcola', 0.8],
    ['уравнени*', 1.2], ['докаж*', 1], ['вычисли*', 0.8], ['задач*', 0.4], ['方程', 1.2], ['证明', 1], ['計算', 0.8], ['计算', 0.8], ['求解', 1],
    ['概率', 1], ['証明', 1], ['방정식', 1.2], ['증명', 1], ['계산', 0.8], ['معادلة', 1.2], ['برهن', 1], ['احسب', 0.8], ['समीकरण', 1.2],
    ['denklem', 1.2], ['kanıtla', 1], ['hesapla', 0.8], ['phương trình', 1.2], ['chứng minh', 1], ['persamaan', 1.2], ['buktikan', 1],
    ['hitung', 0.8], ['równanie', 1.2], ['udowodnij', 1], ['oblicz', 0.8], ['vergelijking', 1.2], ['bereken', 0.8],
    ['remainder', 1], ['divided by', 1], ['ratio', 0.8], ['prime number', 1], ['justify your answer', 0.4],
  ]],
  ['data_analysis', [
    ['csv', 1.2], ['excel', 1], ['spreadsheet', 1], ['dataframe', 1.5], ['data frame', 1.5], ['pandas', 1.5], ['sql', 1.2], ['group by', 1],
    ['pivot', 0.8], ['dataset', 1], ['data set', 1], ['statistic*', 1], ['regression', 1], ['correlation', 1], ['median', 0.8],
    ['standard deviation', 1.2], ['average', 0.5], ['histogram', 1], ['chart', 0.6], ['plot', 0.4], ['visualiz*', 0.6], ['seaborn', 1.2],
    ['tableau', 0.6], ['power bi', 1.2], ['column', 0.8], ['columns', 0.8], ['rows', 0.6], ['table', 0.4], ['query', 0.6], ['aggregate', 0.6],
    ['data analysis', 1.5], ['analyze the data', 1.5], ['analyse the data', 1.5], ['kpi', 0.8], ['forecast*', 0.6], ['outlier*', 1],
    ['anova', 1.2], ['p-value', 1.2], ['t-test', 1.2], ['distribution', 0.4], ['análisis de datos', 1.5], ['hoja de cálculo', 1],
    ['estadística', 1], ['analyse des données', 1.5], ['données', 0.6], ['datenanalyse', 1.5], ['daten', 0.6], ['análise de dados', 1.5],
    ['planilha', 1], ['analisi dei dati', 1.5], ['анализ данных', 1.5], ['данных', 0.6], ['таблиц*', 0.5], ['статистик*', 1], ['数据分析', 1.5],
    ['数据', 0.6], ['表格', 0.5], ['统计', 1], ['データ分析', 1.5], ['データ', 0.6], ['統計', 1], ['데이터 분석', 1.5], ['데이터', 0.6], ['통계', 1],
    ['تحليل البيانات', 1.5], ['البيانات', 0.6], ['डेटा', 0.6], ['veri analizi', 1.5], ['phân tích dữ liệu', 1.5], ['analisis data', 1.5],
    ['analiza danych', 1.5], ['data-analyse', 1.5],
  ]],
  ['vision', [
    ['[image]', 1.5], ['this image', 1.2], ['the image', 0.8], ['this picture', 1.2], ['the picture', 0.8], ['this photo', 1.2], ['screenshot', 0.8],
    ['in the photo', 1], ['what do you see', 1], ['describe the image', 1.5], ['ocr', 0.8], ['esta imagen', 1.2], ['cette image', 1.2],
    ['dieses bild', 1.2], ['esta imagem', 1.2], ['questa immagine', 1.2], ['изображени*', 0.8], ['картинк*', 0.8], ['图片', 0.8], ['图像', 0.8],
    ['画像', 0.8], ['이미지', 0.8], ['사진', 0.8], ['الصورة', 0.8], ['तस्वीर', 0.8], ['görsel', 0.8], ['hình ảnh', 0.8], ['gambar ini', 1],
    ['zdjęcie', 0.8], ['afbeelding', 0.8],
  ]],
  ['creative_writing', [
    ['story', 1.2], ['short story', 1.5], ['poem', 1.5], ['poetry', 1.5], ['lyrics', 1.5], ['song', 1], ['haiku', 1.5], ['sonnet', 1.5],
    ['novel', 0.8], ['fiction', 1], ['screenplay', 1.5], ['character', 0.6], ['characters', 0.6], ['limerick', 1.5], ['rap', 0.8], ['verse', 0.8],
    ['fairy tale', 1.5], ['once upon a time', 1.5], ['narrative', 0.8], ['fanfic*', 1.5], ['creative', 0.6], ['blog post', 0.6], ['essay', 0.4],
    ['slogan', 0.8], ['tagline', 0.8], ['joke', 0.8], ['jokes', 0.8], ['rhyme*', 1], ['cuento', 1.2], ['poema', 1.5], ['canción', 1],
    ['histoire', 0.8], ['poème', 1.5], ['chanson', 1], ['geschichte', 0.8], ['gedicht', 1.5], ['märchen', 1.2], ['conto', 1], ['poesia', 1.5],
    ['canção', 1], ['racconto', 1.2], ['canzone', 1], ['рассказ', 1], ['стих*', 1.2], ['песн*', 1], ['сказк*', 1.2], ['故事', 1], ['诗', 1],
    ['歌词', 1.5], ['小说', 1], ['物語', 1], ['詩', 1], ['歌詞', 1.5], ['小説', 1], ['이야기', 1], ['소설', 1], ['가사', 1.2], ['قصة', 1],
    ['قصيدة', 1.5], ['أغنية', 1], ['اغنية', 1], ['कहानी', 1], ['कविता', 1.5], ['hikaye', 1], ['şiir', 1.5], ['câu chuyện', 1], ['bài thơ', 1.5],
    ['cerita', 0.8], ['puisi', 1.5], ['opowiadanie', 1], ['wiersz', 1.5], ['verhaal', 1],
  ]],
  ['translation', [
    ['translate', 2], ['translation', 1.5], ['translated', 1], ['into english', 1], ['to english', 0.8], ['into spanish', 1], ['into french', 1],
    ['into chinese', 1], ['traduce', 2], ['traducir', 2], ['traducción', 1.5], ['traduis', 2], ['traduire', 2], ['traduction', 1.5],
    ['übersetze', 2], ['übersetzen', 2], ['übersetzung', 1.5], ['traduza', 2], ['traduzir', 2], ['tradução', 1.5], ['traduci', 2],
    ['traduzione', 1.5], ['переведи', 2], ['перевод*', 1.5], ['翻译', 2], ['翻譯', 2], ['翻訳', 2], ['번역', 2], ['ترجم', 2], ['ترجمة', 1.5],
    ['अनुवाद', 2], ['çevir', 2], ['tercüme', 2], ['dịch', 1.5], ['terjemahkan', 2], ['przetłumacz', 2], ['vertaal', 2],
    // Browser-extension suffixes that are not requests (matched so that their words count for nothing).
    ['지금 번역하기', 0], ['share prompt', 0],
  ]],
  ['knowledge_qa', [
    ['what is', 0.6], ['what are', 0.6], ['who is', 0.8], ['who was', 1], ['who were', 1], ['when did', 1], ['when was', 1], ['where is', 0.8],
    ['why does', 0.6], ['why do', 0.6], ['why is', 0.6], ['how does', 0.5], ['define', 0.6], ['definition of', 0.8], ['meaning of', 0.8],
    ['history of', 1], ['capital of', 1.2], ['difference between', 0.8], ['tell me about', 0.8], ['explain', 0.4], ['what does', 0.5],
    ['qué es', 0.8], ['quién', 0.8], ['por qué', 0.6], ["qu'est-ce", 0.8], ['qui est', 0.8], ['pourquoi', 0.6], ['was ist', 0.8],
    ['wer ist', 0.8], ['warum', 0.6], ['o que é', 0.8], ['quem', 0.6], ["cos'è", 0.8], ['chi è', 0.8], ['perché', 0.6], ['что такое', 0.8],
    ['кто такой', 0.8], ['почему', 0.6], ['什么是', 0.8], ['是什么', 0.8], ['为什么', 0.6], ['とは', 0.6], ['なぜ', 0.6], ['무엇', 0.6], ['왜', 0.4],
    ['ما هو', 0.8], ['ما هي', 0.8], ['لماذا', 0.6], ['क्या है', 0.8], ['क्यों', 0.6], ['nedir', 0.8], ['neden', 0.5], ['là gì', 0.8],
    ['tại sao', 0.6], ['apa itu', 0.8], ['mengapa', 0.6], ['co to jest', 0.8], ['dlaczego', 0.6], ['wat is', 0.8], ['waarom', 0.6],
    // "explain" in other languages (as weak as the English cue: with a question it makes a knowledge question).
    // Stems where the verb takes suffixes (explicarme, spiegarmi, menjelaskan).
    ['explica*', 0.5], ['explique', 0.5], ['expliquer', 0.5], ['erkläre', 0.5], ['erklären', 0.5], ['spieg*', 0.5], ['объясни', 0.5], ['объяснить', 0.5], ['解释', 0.5], ['解释一下', 0.9], ['説明', 0.5], ['설명', 0.5], ['شرح', 0.5], ['समझा*', 0.5],
    ['açıkla*', 0.5], ['giải thích', 0.5], ['jelaskan', 0.5], ['menjelaskan', 0.5], ['wyjaśnij', 0.5], ['wyjaśnić', 0.5], ['uitleggen', 0.5], ['leg uit', 0.5],
  ]],
];

/** A class must score this much to beat general_chat. */
export const MIN_SCORE = 0.9;

/** Request features the classifier uses besides the text. */
export interface RequestShape {
  tools: number;
  has_image: boolean;
  tool_calls_in: number;
}

/**
 * An equation or a power written out, in any language: a variable or number raised to a power (x^2, 11^12), an
 * absolute value of a variable expression (|x - 3|), or a linear/polynomial expression set equal to a number
 * (3x + 7 = 22, x^2 - 10x + 21 = 0). Run on the lower-cased prompt.
 */
export const EQUATION = /\b[a-z]\s*\^\s*\d|\d\s*\^\s*\d|\|\s*-?\d*[a-z]\s*[-+]\s*\d+\s*\||\b\d*[a-z]\s*[-+]\s*\d+\s*=\s*-?\d/;

/**
 * EQUATION.test(t), given the scan of the same text: every alternative of EQUATION needs a '^', '|' or '=', which the
 * scan has counted, so most prompts skip the regex (it was 1.6% of ingest worker CPU in a profile of 60k bench records).
 */
export function hasEquation(t: string, scan: ScanResult): boolean {
  const k = scan.counts;
  return k[C.caret]! + k[C.pipe]! + k[C.eq]! > 0 && EQUATION.test(t);
}

/** Order of the classes in the score vector; ties go to the earlier one. */
const ORDER: readonly Capability[] = [
  'agentic_tool_use', 'vision', 'rubric_grading', 'translation', 'software_engineering', 'coding', 'data_analysis', 'reasoning_math',
  'creative_writing', 'knowledge_qa',
];

/**
 * Classifies a request from the prompt scan, an optional system-prompt scan and persona scan (each weighted half: see
 * PERSONA in index.ts), the rubric strength and the request shape. `groupOf` gives each capability's lexicon group index.
 */
export function classify(
  p: ScanResult,
  s: ScanResult | null,
  groupOf: ReadonlyMap<Capability, number>,
  rubric: number,
  d: RequestShape,
  equation = false,
  persona: ScanResult | null = null,
): Capability {
  const k = p.counts;
  const n = Math.max(1, k[C.chars]!);
  let best: Capability = 'general_chat';
  let bestScore = MIN_SCORE - 1e-9;
  for (const cap of ORDER) {
    const g = groupOf.get(cap);
    let score = 0;
    if (g !== undefined) {
      score += Math.min(3, p.sum[g]!);
      if (s !== null) score += 0.5 * Math.min(3, s.sum[g]!);
      if (persona !== null) score += 0.5 * Math.min(3, persona.sum[g]!);
    }
    switch (cap) {
      case 'coding': {
        if (k[C.backtick]! >= 3) score += 1.5;
        const codeChars = k[C.lbrace]! + k[C.rbrace]! + k[C.semi]! + k[C.eq]! + k[C.lparen]! + k[C.rparen]! + k[C.lt]! + k[C.gt]! + k[C.underscore]!;
        if (n >= 40) score += codeChars / n > 0.08 ? 2 : codeChars / n > 0.04 ? 1 : 0;
        if (k[C.semi]! >= 2 && k[C.newline]! >= 2) score += 0.5;
        break;
      }
      case 'reasoning_math': {
        if (k[C.mathSym]! > 0) score += 1;
        if (k[C.dollar]! >= 2 && k[C.backslash]! >= 1) score += 1;
        const ops = k[C.plus]! + k[C.star]! + k[C.caret]! + k[C.eq]! + k[C.slash]!;
        if (k[C.digit]! >= 2 && ops >= 1 && n < 400) score += 0.5;
        if (equation) score += 1;
        break;
      }
      case 'data_analysis':
        if (k[C.pipe]! >= 6 && k[C.newline]! >= 2) score += 1.2;
        if (k[C.newline]! >= 3 && k[C.comma]! >= 2 * k[C.newline]!) score += 0.8;
        if (k[C.tab]! >= 4) score += 0.6;
        break;
      case 'knowledge_qa':
        if (k[C.question]! > 0) score += n < 200 ? 0.6 : 0.4;
        break;
      case 'agentic_tool_use':
        if (d.tools > 0) score += 2.5;
        if (d.tool_calls_in > 0) score += 3.5;
        break;
      case 'vision':
        if (d.has_image) score += 3;
        break;
      case 'rubric_grading':
        if (rubric >= 0.5) score += 2 + 2 * rubric;
        break;
      default:
        break;
    }
    if (score > bestScore) {
      bestScore = score;
      best = cap;
    }
  }
  return best;
}

export const CAPABILITY_META: SignalMeta = {
  id: 'text.capability',
  title: 'Requested capability',
  rationale:
    'Distillation concentrates on high-value capabilities (coding, agentic tool use, reasoning, rubric grading) and ' +
    'covers them systematically; an account or cluster whose traffic is dominated by them, evenly spread across ' +
    'sub-skills, looks like curriculum coverage rather than a product.',
  falsePositives: [
    'Coding assistants and agent products legitimately send almost only coding / tool-use traffic (account-level logic compares with the declared use case and the shared system prompt).',
    'The classifier is rule-based and misreads short or mixed requests; it is a weak per-request label aggregated over many requests.',
  ],
  references: ['src/model/capabilities.ts', 'Public 2026 provider reports of industrial-scale distillation campaigns (summarised in README.md)'],
  level: 'interaction',
};
