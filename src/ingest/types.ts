/**
 * Ingest contracts. Data flows one way:
 *   reader (bytes/rows of one file) -> adapter (one source value -> canonical-shaped objects)
 *   -> InteractionInputSchema (zod, at the edge) -> derive (request/response bodies -> Derived)
 *   -> compact Interaction -> store.
 */

export const FORMATS = ['jsonl', 'openai', 'anthropic', 'otlp', 'csv', 'parquet'] as const;
export type FormatName = (typeof FORMATS)[number];

export const FORMAT_DESCRIPTIONS: Record<FormatName, string> = {
  jsonl: 'native distillguard JSONL, one canonical interaction per line (plain or .gz)',
  openai: 'OpenAI API logs: a Chat Completions or Responses request body with its response (or its SSE events), one per line; also Batch API output lines',
  anthropic: 'Anthropic Messages API logs: request body with its response (or its SSE events), one per line',
  otlp: 'OpenTelemetry GenAI spans as OTLP/JSON (one ExportTraceServiceRequest per line, or one document)',
  csv: 'CSV with a header row (column names mapped with --map)',
  parquet: 'Parquet, read through DuckDB',
};

/** One canonical-shaped object an adapter produced, with an optional position inside the source value. */
export interface Adapted {
  /** Canonical field names (see InteractionInputSchema); validated afterwards. */
  value: Record<string, unknown>;
  /** Position inside one source value that holds many records (e.g. span index in an OTLP line), 0-based. */
  sub?: number;
}

export interface AdaptRejected {
  reason: string;
  sub?: number;
}

export interface AdaptResult {
  records: Adapted[];
  rejects: AdaptRejected[];
}

/**
 * Turns one parsed source value (a JSON line, a CSV row as an object, a Parquet row) into canonical-shaped
 * objects. Must not throw for bad input: report it in `rejects` instead. Pure and synchronous: it runs in
 * worker threads.
 */
export type Adapter = (value: unknown) => AdaptResult;
