/**
 * Tool definitions, pre-serialised for each API shape (Anthropic `tools`, OpenAI Chat `tools`, OpenAI
 * Responses `tools`), and the tool calls / results that appear in agentic histories.
 */

export interface ToolDef {
  name: string;
  description: string;
  /** JSON Schema of the input. */
  schema: Record<string, unknown>;
}

/** An example call: tool name, JSON arguments, a plausible result (JSON-escaped, without quotes). */
export interface ToolCall {
  name: string;
  args: string;
  result: string;
}

export interface ToolSet {
  key: string;
  defs: ToolDef[];
  /** `tools` array as JSON text, per API: anthropic, openai chat, openai responses. */
  json: [string, string, string];
  /** Example calls. */
  calls: ToolCall[];
}

const str = (description: string) => ({ type: 'string', description });
const obj = (props: Record<string, unknown>, required: string[]) => ({ type: 'object', properties: props, required });

function build(key: string, defs: ToolDef[], calls: ToolSet['calls']): ToolSet {
  const a = JSON.stringify(defs.map((d) => ({ name: d.name, description: d.description, input_schema: d.schema })));
  const c = JSON.stringify(defs.map((d) => ({ type: 'function', function: { name: d.name, description: d.description, parameters: d.schema } })));
  const r = JSON.stringify(defs.map((d) => ({ type: 'function', name: d.name, description: d.description, parameters: d.schema })));
  return { key, defs, json: [a, c, r], calls };
}

/** The popular coding agent's tools: identical for every user of it (the coding_agent look-alike). */
export const CODING_AGENT_TOOLS = build(
  'coding-agent',
  [
    { name: 'Bash', description: 'Run a shell command.', schema: obj({ command: str('command') }, ['command']) },
    { name: 'Read', description: 'Read a file.', schema: obj({ file_path: str('path') }, ['file_path']) },
    { name: 'Edit', description: 'Replace a string in a file.', schema: obj({ file_path: str('path'), old_string: str('old'), new_string: str('new') }, ['file_path', 'old_string', 'new_string']) },
    { name: 'Grep', description: 'Search files by regex.', schema: obj({ pattern: str('regex'), path: str('folder') }, ['pattern']) },
  ],
  [
    { name: 'Bash', args: '{"command":"npm test -- --runInBand"}', result: 'FAIL src/api/users.test.ts\\n  ● paginate › returns next cursor\\n    expected 20, received 21' },
    { name: 'Read', args: '{"file_path":"/repo/src/api/users.ts"}', result: 'export async function listUsers(req, res) {\\n  const limit = Number(req.query.limit ?? 20);\\n  const rows = await db.users.find().limit(limit + 1);' },
    { name: 'Grep', args: '{"pattern":"TODO|FIXME","path":"src"}', result: 'src/cache.ts:41: // TODO: evict on write\\nsrc/jobs/retry.ts:12: // FIXME: backoff overflow' },
    { name: 'Edit', args: '{"file_path":"/repo/src/cache.ts","old_string":"return v","new_string":"return v ?? null"}', result: 'The file /repo/src/cache.ts has been updated.' },
  ],
);

/** Generic agent tool sets that API customers and attackers define themselves. */
export const GENERIC_TOOLSETS: ToolSet[] = [
  build(
    'repo',
    [
      { name: 'run_shell', description: 'Execute a shell command in the sandbox.', schema: obj({ cmd: str('command line') }, ['cmd']) },
      { name: 'read_file', description: 'Return the contents of a file.', schema: obj({ path: str('file path') }, ['path']) },
      { name: 'write_file', description: 'Overwrite a file with new contents.', schema: obj({ path: str('file path'), content: str('new contents') }, ['path', 'content']) },
    ],
    [
      { name: 'run_shell', args: '{"cmd":"pytest -x -q"}', result: 'F.....\\nFAILED tests/test_parser.py::test_duration - ValueError: unsupported unit' },
      { name: 'read_file', args: '{"path":"app/parser.py"}', result: 'UNITS = {\\"h\\": 3600, \\"m\\": 60}\\ndef parse(s):\\n    return sum(int(n) * UNITS[u] for n, u in RE.findall(s))' },
      { name: 'run_shell', args: '{"cmd":"git log --oneline -5"}', result: 'a1c9e2f fix retry jitter\\n7be01d4 add pagination\\n3f2a6c1 bump deps' },
    ],
  ),
  build(
    'web',
    [
      { name: 'web_search', description: 'Search the web and return the top results.', schema: obj({ query: str('search query') }, ['query']) },
      { name: 'fetch_url', description: 'Fetch a web page and return its text.', schema: obj({ url: str('URL') }, ['url']) },
    ],
    [
      { name: 'web_search', args: '{"query":"postgres partial index vs expression index"}', result: '1. PostgreSQL docs: Partial Indexes\\n2. Use the index, Luke: partial indexes\\n3. Stack Overflow: when to use expression index' },
      { name: 'fetch_url', args: '{"url":"https://docs.python.org/3/library/asyncio-task.html"}', result: 'Coroutines and Tasks. This section outlines high-level asyncio APIs to work with coroutines and Tasks.' },
    ],
  ),
  build(
    'data',
    [
      { name: 'sql_query', description: 'Run a read-only SQL query against the warehouse.', schema: obj({ sql: str('SQL text') }, ['sql']) },
      { name: 'make_chart', description: 'Render a chart from rows.', schema: obj({ kind: str('bar|line'), rows: { type: 'array' } }, ['kind', 'rows']) },
    ],
    [
      { name: 'sql_query', args: '{"sql":"SELECT region, SUM(revenue) FROM sales WHERE quarter = 3 GROUP BY region"}', result: '[[\\"EMEA\\",1284000],[\\"AMER\\",2210500],[\\"APAC\\",932100]]' },
      { name: 'make_chart', args: '{"kind":"bar","rows":[["EMEA",1284000],["AMER",2210500]]}', result: 'chart_7f3a.png rendered' },
    ],
  ),
  build(
    'ops',
    [
      { name: 'kubectl', description: 'Run a kubectl command against the staging cluster.', schema: obj({ args: str('arguments') }, ['args']) },
      { name: 'get_logs', description: 'Fetch recent logs of a service.', schema: obj({ service: str('name'), since: str('duration') }, ['service']) },
      { name: 'open_ticket', description: 'Open an incident ticket.', schema: obj({ title: str('title'), body: str('details') }, ['title']) },
    ],
    [
      { name: 'get_logs', args: '{"service":"checkout","since":"15m"}', result: 'ERROR pool exhausted: 50/50 connections in use (x412)' },
      { name: 'kubectl', args: '{"args":"get pods -n checkout"}', result: 'checkout-7d9f 0/1 CrashLoopBackOff 12 31m' },
    ],
  ),
];
