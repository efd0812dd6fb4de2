/**
 * English content pools for the compositional prompt generator: topics x task verbs x details. Shared by
 * benign users and attackers alike (attack task pools overlap benign topics on purpose).
 */

export const PROG_LANGS = ['Python', 'TypeScript', 'JavaScript', 'Go', 'Rust', 'Java', 'C++', 'C#', 'Kotlin', 'Ruby', 'Swift', 'PHP', 'Scala', 'Bash'];

/** Coding tasks, as infinitives ("to ..."). */
export const CODE_TASKS = [
  'parse an ISO-8601 duration string into seconds',
  'merge overlapping intervals in a list',
  'implement an LRU cache with O(1) get and put',
  'debounce a function call',
  'compute the Levenshtein distance between two strings',
  'read a CSV file and group rows by a column',
  'validate an email address without a huge regex',
  'retry an HTTP request with exponential backoff and jitter',
  'flatten a nested dictionary into dotted keys',
  'find the k most frequent words in a text',
  'detect a cycle in a directed graph',
  'serialize a binary tree to a string and back',
  'rate-limit calls with a token bucket',
  'stream a large file line by line without loading it into memory',
  'convert Roman numerals to integers',
  'binary-search a rotated sorted array',
  'topologically sort tasks with dependencies',
  'parse command-line flags with defaults',
  'compute a rolling average over a sliding window',
  'deduplicate records by a composite key',
  'paginate results from a REST API that uses cursors',
  'diff two JSON documents and list the changed paths',
  'schedule jobs with cron-like expressions',
  'compress and decompress a string with run-length encoding',
  'walk a directory tree and sum file sizes by extension',
  'implement a trie with prefix search',
  'validate a Sudoku board',
  'find the shortest path in a weighted grid',
  'generate all permutations of a list lazily',
  'format a byte count as a human-readable size',
  'parse a log line into timestamp, level and message',
  'implement a thread-safe bounded queue',
];

export const CODE_DETAILS = [
  'Include unit tests.',
  'Handle edge cases such as empty input.',
  'Keep it under 30 lines.',
  'Explain the time complexity.',
  'No external libraries.',
  'Add type annotations.',
  'Make it idiomatic.',
  'Add docstrings.',
  '',
  '',
  '',
];

export const CODE_ERRORS = ['TypeError: cannot read properties of undefined', 'IndexError: list index out of range', 'a deadlock under load', 'a borrow checker error', 'a NullPointerException', 'an off-by-one error', 'a race condition in tests', 'segmentation fault'];

export const SNIPPETS = [
  'for i in range(len(xs)):\n    if xs[i] == target:\n        xs.remove(xs[i])',
  'const total = items.reduce((a, b) => a + b.price)',
  'func worker(ch chan int) {\n  for v := range ch { results = append(results, v*2) }\n}',
  'let v = map.get(&key).unwrap();\nmap.insert(key, v + 1);',
  'public int mid(int lo, int hi) { return (lo + hi) / 2; }',
  'SELECT user_id, COUNT(*) FROM orders WHERE created_at > NOW() - 30 GROUP BY 1',
];

export const SYSTEMS = ['a URL shortener', 'a multi-tenant job queue', 'an event-sourced billing service', 'a feature-flag service', 'a distributed rate limiter', 'a CI pipeline for a monorepo', 'a schema migration system', 'a search indexer', 'a webhook delivery system', 'an audit log', 'a chat backend', 'a recommendation service', 'an inventory system', 'a payments reconciliation job'];
export const SYSTEM_CONSTRAINTS = ['at 10k requests per second', 'for a 5-person team', 'across three regions', 'with p99 latency under 50 ms', 'on a tight cloud budget', 'with zero-downtime deploys', 'with strict audit requirements', 'that must survive a region outage'];
export const SE_FRAMES = [
  'How should I design {sys} {con}?',
  'Write a design doc outline for {sys} {con}.',
  'We are migrating {sys} from a monolith to services. What is a safe rollout plan?',
  'What are the main failure modes of {sys} {con}, and how do I test for them?',
  'Review this plan for {sys}: one Postgres primary, Redis cache, nightly batch jobs. What would you change {con}?',
  'Break down the work to build {sys} {con} into milestones with acceptance criteria.',
  'Refactor the code below so it is testable, then explain the changes:\n{snip}',
  'Write a code review for this change and point out risks:\n{snip}',
];

export const AGENT_TASKS = [
  'Fix the failing test in the pagination module and make sure the whole suite passes.',
  'Add input validation to the signup endpoint and update the tests.',
  'Find out why the CI build fails on the main branch and fix it.',
  'Upgrade the HTTP client library to the latest major version and resolve breaking changes.',
  'Investigate the memory growth in the worker process and propose a fix.',
  'Implement the TODOs in the cache module, with tests.',
  'Migrate the settings loader from INI files to TOML without changing behaviour.',
  'Summarise the open incidents for the checkout service and draft a remediation plan.',
  'Query last quarter revenue by region and produce a bar chart.',
  'Research the trade-offs between partial and expression indexes and recommend one for our orders table.',
  'Plan and carry out the rename of the user_id column across the codebase, keeping a running checklist.',
  'Set up a nightly job that exports the audit table to object storage, then verify it ran.',
];

export const MATH_WORD = [
  'A train leaves at {h}:00 travelling {a} km/h; a second train leaves the same station {b} hours later at {c} km/h. When does the second catch up?',
  'A shop sells pens at {a} cents and notebooks at {b} cents. Maria spends exactly {c} cents on {n} items. How many notebooks did she buy?',
  'How many ways can {n} people sit around a round table if two of them refuse to sit together?',
  'What is the probability that the sum of two fair dice is {k}?',
  'A tank fills in {a} hours with pipe A and {b} hours with pipe B. How long with both open?',
  'Prove that the sum of the first {n} odd numbers equals {n}^2, and generalise.',
  'Find the remainder when {a}^{n} is divided by {k}.',
  'A rectangle has perimeter {c} and area {d}. Find its side lengths.',
  'Three friends split a bill of {c} dollars in the ratio {a}:{b}:{k}. How much does each pay?',
  'Is {c} a prime number? Justify your answer.',
];

export const CONCEPTS = ['photosynthesis', 'inflation', 'the CAP theorem', 'public-key cryptography', 'the Doppler effect', 'compound interest', 'garbage collection', 'the French Revolution', 'plate tectonics', 'gradient descent', 'the immune response', 'supply and demand', 'quantum entanglement', 'the Krebs cycle', 'consensus algorithms like Raft', 'vector databases', 'the Silk Road', 'black holes', 'CRISPR', 'monads'];
export const QA_FRAMES = ['What is {x}?', 'Why does {x} matter?', 'Explain {x} to a high-school student.', 'What are common misconceptions about {x}?', 'What is the difference between {x} and {y}?', 'Give me a short history of {x}.', 'How would you summarise {x} in three sentences?'];

export const DATA_DIMS = ['region', 'product', 'channel', 'store', 'team'];
export const DATA_METRICS = ['revenue', 'orders', 'churn', 'signups', 'latency'];
export const DATA_FRAMES = [
  'Here is a CSV:\n{csv}\nWhich {dim} had the highest {metric} growth, and by how much?',
  'Given this table:\n{csv}\nCompute the mean and median {metric} per {dim}.',
  'Write a pandas snippet that pivots this data by {dim} and plots {metric}:\n{csv}',
  'From the data below, is there evidence that {metric} differs by {dim}? Suggest a test.\n{csv}',
  'Forecast next month\'s {metric} for each {dim} from:\n{csv}',
];

export const VISION_FRAMES = ['What does this chart show? Summarise the trend.', 'Extract the table in this screenshot as CSV.', 'Transcribe the handwritten notes in this photo.', 'Describe this UI screenshot and list accessibility issues.', 'What is wrong with this circuit diagram?', 'Convert this whiteboard sketch into a Mermaid diagram.', 'Read the error message in this screenshot and tell me how to fix it.'];
export const IMAGE_HOSTS = ['https://i.imgur.com/', 'https://files.slack-edge.com/u/', 'https://cdn.discordapp.com/attachments/', 'https://storage.googleapis.com/uploads-', 'https://s3.amazonaws.com/user-assets-'];

export const CREATIVE_FORMS = ['a haiku', 'a short poem', 'a limerick', 'a 100-word story', 'a product description', 'a wedding toast', 'a song chorus', 'a bedtime story'];
export const CREATIVE_SUBJECTS = ['a lighthouse keeper', 'the first day of spring', 'a lost umbrella', 'a robot learning to cook', 'my grandmother\'s garden', 'a city at 4 a.m.', 'a cat who runs a bakery', 'the last train home'];
export const CREATIVE_STYLES = ['', 'in a melancholic tone', 'that rhymes', 'for children', 'in the style of a noir detective', 'with a twist ending'];

export const TRANSLATE_SENTENCES = ['The meeting has been moved to Thursday afternoon.', 'Please keep your receipt for returns within 30 days.', 'Our flight was delayed because of the storm.', 'Could you send me the updated contract by Friday?', 'The museum is closed on Mondays.', 'I would like to book a table for four at eight.', 'Thank you for your patience while we fix the issue.', 'The package will arrive within three business days.'];

export const CHAT_FRAMES = ['Can you help me plan {ev}?', 'Give me tips for {act}.', 'Write an email to {rec} about {sub}.', 'What should I consider before {act}?', 'I am nervous about {ev}. Any advice?'];
export const CHAT_EVENTS = ['a birthday party for a 6-year-old', 'a job interview', 'a trip to Lisbon', 'moving to a new city', 'a team offsite', 'my first marathon'];
export const CHAT_ACTS = ['learning Spanish', 'saving for a house', 'starting a vegetable garden', 'negotiating rent', 'adopting a dog', 'buying a used car'];
export const CHAT_RECIPIENTS = ['my landlord', 'a client', 'my child\'s teacher', 'the HR team', 'a supplier'];
export const CHAT_SUBJECTS = ['a broken heater', 'a late invoice', 'rescheduling a meeting', 'a refund', 'parental leave'];

/** Rubric-grading prompt frames (LLM-as-judge): used by evaluation customers and reward-model harvesting alike. */
export const RUBRIC_FRAMES = [
  'You are grading answers. Rubric:\n1. Correctness (0-4)\n2. Reasoning quality (0-3)\n3. Clarity (0-3)\nQuestion: {q}\nCandidate answer: {a}\nReturn JSON with per-criterion scores and a one-line justification.',
  'Score the response below from 1 to 10 against these criteria: factual accuracy, completeness, helpfulness. Explain each score.\n\n[Question]\n{q}\n\n[Response]\n{a}',
  'Compare the two answers to the question and say which is better and why, using the rubric (correctness > reasoning > style).\nQuestion: {q}\nAnswer A: {a}\nAnswer B: {b}',
  'Act as a strict reviewer. Evaluate whether the answer fully solves the task; give a score 0-5 and list every flaw.\nTask: {q}\nAnswer: {a}',
];
export const CANDIDATE_ANSWERS = ['The answer is 42 because the two rates add up.', 'Use a hash map to count occurrences, then sort by count; O(n log n).', 'It depends on the load; a queue with retries should work.', 'x = 2 or x = 3, since the quadratic factors as (x-2)(x-3).', 'Photosynthesis converts light into chemical energy stored in glucose.'];

/** Benchmark-style questions sent by evaluation runs (single turn). */
export const EVAL_FRAMES = [
  'Question: {q}\nAnswer with the letter of the correct option.\n(A) {n1}\n(B) {n2}\n(C) {n3}\n(D) {n4}',
  '{q}\nLet\'s think step by step.',
  'Solve the following problem. Think step by step, then give the final answer after "Answer:".\n{q}',
  '{q}\nRespond with only the final number.',
];

/** Templates synthetic-data customers fill in (modest volume, templated). */
export const SYNTH_TEMPLATES = [
  'Generate a realistic customer support ticket about {sub} for a {prod} company. Output JSON with fields subject, body, priority.',
  'Write 5 diverse user reviews (1-5 stars) of a {prod} product. Return a JSON list.',
  'Create a short dialogue between a customer and an agent about {sub}. Label each turn.',
  'Produce 10 paraphrases of the sentence: "{sent}"',
  'Write a product FAQ entry for a {prod} app answering a question about {sub}.',
];
export const SYNTH_PRODUCTS = ['fintech', 'food delivery', 'fitness tracking', 'home insurance', 'travel booking', 'B2B invoicing', 'smart home'];
