/**
 * A compositional generator of assistant-style explanatory answers about programming and reasoning topics: the
 * stand-in for what a distiller harvests from the API in the demonstration. Sentences come from templates whose
 * `{word}` slots draw a member of that word's lexicon set at its natural weight (as an unwatermarked model would
 * write), and whose other slots draw topics, languages, numbers, identifiers, URLs and code. Answers carry the
 * things the watermark must leave alone: fenced code, inline code, numbers, JSON and URLs.
 */
import { defaultLexicon, vowelSound, type Lexicon } from './lexicon.js';
import type { Rng } from './rng.js';

const TOPICS = [
  'binary search', 'hash maps', 'recursion', 'database indexes', 'unit tests', 'async functions', 'memory leaks',
  'REST APIs', 'regular expressions', 'garbage collection', 'sorting algorithms', 'caching', 'type inference',
  'dynamic programming', 'graph traversal', 'load balancing', 'git branches', 'Docker containers', 'SQL joins',
  'closures', 'race conditions', 'linked lists', 'event loops', 'dependency injection', 'code reviews',
  'logging', 'error handling', 'pagination', 'rate limiting', 'string formatting', 'virtual environments',
  'matrix multiplication', 'probability puzzles', 'proof by induction', 'big O analysis', 'state machines',
  'database migrations', 'thread pools', 'binary trees', 'message queues', 'feature flags', 'CSS layouts',
];
const LANGS = ['Python', 'JavaScript', 'TypeScript', 'Java', 'Go', 'Rust', 'C++', 'SQL', 'Ruby', 'Kotlin'];
const THINGS = [
  'the input list', 'each request', 'the final result', 'the main loop', 'the test suite', 'the config file',
  'the cache', 'the query', 'every element', 'the output', 'the database', 'the server', 'the function',
  'the data', 'the user input', 'the edge cases', 'the build', 'the API client', 'the worker', 'the schema',
];
const IDENTS = ['fetch_data', 'user_id', 'process()', 'config.yaml', 'items.sort()', 'max_retries', 'index.js', 'main.py', 'handle_error', 'parse_args()'];
const URLS = ['https://docs.python.org/3/library/', 'https://developer.mozilla.org/en-US/docs/Web', 'https://example.com/guide', 'https://go.dev/doc/'];

/** Opening sentences. */
const INTRO = [
  'Sure! Here is a brief overview of {T} and how it {helps} you write {better} code.',
  '{T} is {an} {important} idea in {L}, and {understanding} it {helps} a lot.',
  'Great question. {T} {often} causes confusion, so let me explain it step by step.',
  'In short, {T} {allows} you to handle {big} problems in a {simple} and {reliable} way.',
  "Let's look at {T}. It is {also} {one} of the {most} {useful} tools you can learn.",
  'When {using} {T} in {L}, there are {several} things to keep in mind.',
  '{T} is {essentially} a way of organizing work so that {X} stays {manageable}.',
];
/** Body sentences. */
const BODY = [
  '{However}, you should {examine} how {X} behaves with {big} inputs.',
  '{Typically}, {T} {works} by splitting the work into {smaller} parts.',
  'This {helps} when {X} {contains} {several} thousand items, for example {N}.',
  'You can {verify} this by running `{I}` on {X} and checking the output.',
  '{Additionally}, {T} {improves} readability, which {helps} the rest of the team.',
  'A {common} mistake is to {assume} that {X} never changes; it {often} does.',
  '{Furthermore}, {using} {T} {allows} you to {reduce} duplicated logic.',
  'The {main} {drawback} is that it {requires} {additional} memory for {big} inputs.',
  'In {most} cases, the cost is {approximately} {N} milliseconds per call.',
  '{Finally}, {verify} that {X} is {properly} tested before you deploy.',
  'It is {important} to {understand} why the {previous} step {matters}.',
  '{First}, {examine} {X} and write down what you expect to {happen}.',
  '{Second}, {modify} one thing at a time so you can see what {changes}.',
  '{Therefore}, the {entire} process stays {predictable} and {easy} to debug.',
  'If the {amount} of data is {huge}, {consider} streaming it instead.',
  'This {approach} is {especially} {useful} in {L}, where {T} is {well} supported.',
  '{Similarly}, you can {combine} it with {caching} to {achieve} {faster} responses.',
  'The {idea} is {simple}: {compute} the answer once and {reuse} it.',
  '{Unfortunately}, {T} can {occasionally} {produce} {confusing} errors.',
  'When that {happens}, {examine} the stack trace and {look} at {X} first.',
  'Many developers {recommend} writing a {small} test that {demonstrates} the issue.',
  'It {usually} {helps} to {explore} {several} {alternatives} before choosing {one}.',
  'The {ability} to {generate} test data {quickly} is {extremely} valuable here.',
  '{Nevertheless}, keep the code {simple} and the names {clear}.',
  '{Perhaps} the {biggest} {advantage} is that {X} becomes {easier} to reason about.',
  'You {also} {obtain} a {clear} record of what {happened} and why.',
  'Most libraries {provide} a helper, such as `{I}`, for this {situation}.',
  'This is {slightly} {slower}, but it is {considerably} {safer} in practice.',
  'The {goals} here are {correctness} first and speed second.',
  "If you {cannot} reproduce the bug, add logging around {X}.",
  'In practice, {T} is {rarely} the bottleneck; {X} {usually} is.',
  'The {key} {aspect} to {understand} is how {X} is {represented} in memory.',
  '{Essentially}, each step {reduces} the problem to a {smaller} {one}.',
  'The documentation at {U} {explains} the {details} {precisely}.',
  'For {larger} projects, this {quickly} {becomes} {essential}.',
  'This {allowed} the team to {finish} the migration in {N} days.',
  'We {tried} {several} variants and {measured} each {one} {carefully}.',
  'The results {showed} that the {simpler} version was {nearly} as fast.',
  'A {typical} configuration looks like {J}.',
  '{Consequently}, {X} stays {consistent} across runs.',
  '{Although} {T} can seem {difficult}, the {basic} rules are {small} in number.',
  'The {previous} example {shows} the {entire} pattern in {N} lines.',
  '{Generally}, you want {X} to fail {quickly} and loudly.',
  'It is {possible} to {improve} this further, but the gain is {marginal}.',
  'Everyone on the team should {understand} how {T} {works}.',
  '{Someone} new to {L} can {easily} {understand} this version.',
  'The {approximate} cost grows with the {size} of {X}.',
  '{Instead}, {consider} {using} a {dedicated} library.',
];
const CLOSING = [
  'I hope this {helps}! Let me know if you have {additional} questions.',
  'In summary, {T} is {useful}, but {examine} the trade-offs {carefully}.',
  'Feel free to ask if anything is {unclear}.',
  'With practice, {T} becomes {easier} and {more} natural.',
];

const CODE = [
  '```python\ndef process(items):\n    # use a big buffer and help the cache\n    return sorted(items, key=len)\n```',
  '```js\nconst large = data.filter((x) => x.big);\nconsole.log(`also ${large.length}`);\n```',
  '```sql\nSELECT id, name FROM users WHERE big = 1 ORDER BY id;\n```',
  '```bash\npip install requests\npython main.py --quickly --large\n```',
];
const JSONS = ['{"retries": 3, "timeout": 30}', '{"big": true, "mode": "fast"}', '[1, 2, 3]', '{"name": "worker", "threads": 4}'];

export interface GeneratorOptions {
  lexicon?: Lexicon;
  /** Body sentences per answer (inclusive range). */
  minSentences?: number;
  maxSentences?: number;
}

/** Generates answers. Deterministic given the Rng. */
export class AnswerGenerator {
  private readonly lex: Lexicon;
  private readonly minS: number;
  private readonly maxS: number;

  constructor(opts: GeneratorOptions = {}) {
    this.lex = opts.lexicon ?? defaultLexicon();
    this.minS = opts.minSentences ?? 4;
    this.maxS = opts.maxSentences ?? 9;
  }

  /** One answer. */
  answer(rng: Rng): string {
    const topic = rng.pick(TOPICS);
    const lang = rng.pick(LANGS);
    const fill = (t: string) => this.fill(t, rng, topic, lang);
    const parts: string[] = [fill(rng.pick(INTRO))];
    const n = this.minS + rng.int(this.maxS - this.minS + 1);
    let para: string[] = [];
    for (let i = 0; i < n; i++) {
      para.push(fill(rng.pick(BODY)));
      if (para.length >= 2 && rng.chance(0.35)) {
        parts.push(para.join(' '));
        para = [];
      }
      if (rng.chance(0.08)) {
        if (para.length > 0) parts.push(para.join(' '));
        para = [];
        parts.push(rng.pick(CODE));
      }
    }
    if (para.length > 0) parts.push(para.join(' '));
    if (rng.chance(0.3)) parts.push(['- ' + fill(rng.pick(BODY)), '- ' + fill(rng.pick(BODY)), '- ' + fill(rng.pick(BODY))].join('\n'));
    parts.push(fill(rng.pick(CLOSING)));
    return parts.join('\n\n');
  }

  private fill(template: string, rng: Rng, topic: string, lang: string): string {
    const s = template.replace(/\{([A-Za-z']+)\}/g, (_, slot: string) => {
      switch (slot) {
        case 'T':
          return topic;
        case 'L':
          return lang;
        case 'X':
          return rng.pick(THINGS);
        case 'I':
          return rng.pick(IDENTS);
        case 'U':
          return rng.pick(URLS);
        case 'J':
          return rng.pick(JSONS);
        case 'N':
          return String(1 + rng.int(rng.chance(0.5) ? 20 : 5000));
        case 'an':
          return '\u00a7'; // article, fixed below once the next word is known
        default:
          return this.word(slot, rng);
      }
    });
    // Articles agree with the word that follows; a sentence starts with a capital.
    const fixed = s.replace(/\u00a7 ([A-Za-z]+)/g, (_, w: string) => `${vowelSound(w.toLowerCase()) ? 'an' : 'a'} ${w}`);
    return fixed.replace(/(^|[.!?] )([a-z])/g, (_, before: string, c: string) => before + c.toUpperCase());
  }

  /** A lexicon slot: a member of the word's set at its natural weight (case kept); other words as written. */
  private word(slot: string, rng: Rng): string {
    const lower = slot.toLowerCase();
    const set = this.lex.byWord.get(lower);
    if (set === undefined) return slot;
    const w = set.members[rng.weighted(set.weights)]!;
    return slot[0] !== lower[0] ? w[0]!.toUpperCase() + w.slice(1) : w;
  }
}
