/**
 * Errors in each provider's own shape, so that the official SDKs raise their typed errors
 * (Anthropic.PermissionDeniedError, OpenAI.RateLimitError, ...):
 *   Anthropic: {type: 'error', error: {type, message}}
 *   OpenAI:    {error: {message, type, param, code}}
 */
import type { ServerResponse } from 'node:http';

export type Provider = 'anthropic' | 'openai';

/** What went wrong, independent of the provider. */
export type GatewayErrorKind =
  | 'bad_request'
  | 'unauthorized'
  | 'challenge'
  | 'blocked'
  | 'too_large'
  | 'throttled'
  | 'upstream_error'
  | 'upstream_unreachable'
  | 'upstream_timeout'
  | 'unavailable';

interface Shape {
  status: number;
  anthropic: string;
  openaiType: string;
  openaiCode: string;
}

const SHAPES: Record<GatewayErrorKind, Shape> = {
  bad_request: { status: 400, anthropic: 'invalid_request_error', openaiType: 'invalid_request_error', openaiCode: 'invalid_request' },
  unauthorized: { status: 401, anthropic: 'authentication_error', openaiType: 'invalid_request_error', openaiCode: 'invalid_api_key' },
  challenge: { status: 403, anthropic: 'permission_error', openaiType: 'permission_error', openaiCode: 'verification_required' },
  blocked: { status: 403, anthropic: 'permission_error', openaiType: 'permission_error', openaiCode: 'account_blocked' },
  too_large: { status: 413, anthropic: 'request_too_large', openaiType: 'invalid_request_error', openaiCode: 'request_too_large' },
  throttled: { status: 429, anthropic: 'rate_limit_error', openaiType: 'requests', openaiCode: 'rate_limit_exceeded' },
  upstream_error: { status: 502, anthropic: 'api_error', openaiType: 'server_error', openaiCode: 'bad_gateway' },
  upstream_unreachable: { status: 502, anthropic: 'api_error', openaiType: 'server_error', openaiCode: 'upstream_unreachable' },
  upstream_timeout: { status: 504, anthropic: 'timeout_error', openaiType: 'server_error', openaiCode: 'upstream_timeout' },
  unavailable: { status: 503, anthropic: 'overloaded_error', openaiType: 'server_error', openaiCode: 'service_unavailable' },
};

/** The status and JSON body of an error. */
export function errorBody(provider: Provider, kind: GatewayErrorKind, message: string): { status: number; body: Record<string, unknown> } {
  const s = SHAPES[kind];
  if (provider === 'anthropic') return { status: s.status, body: { type: 'error', error: { type: s.anthropic, message } } };
  return { status: s.status, body: { error: { message, type: s.openaiType, param: null, code: s.openaiCode } } };
}

/**
 * Writes an error response (if the headers were not sent yet) and returns the body written. `retryAfterS` sets
 * Retry-After (429); client errors other than 429 carry `x-should-retry: false` so SDKs do not retry them.
 */
export function sendError(
  res: ServerResponse,
  provider: Provider,
  kind: GatewayErrorKind,
  message: string,
  retryAfterS?: number,
): { status: number; body: Record<string, unknown> } {
  const e = errorBody(provider, kind, message);
  if (res.headersSent || res.destroyed) return e;
  const text = JSON.stringify(e.body);
  const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
  if (retryAfterS !== undefined) headers['retry-after'] = Math.max(1, Math.ceil(retryAfterS));
  if (e.status >= 400 && e.status < 500 && e.status !== 429) headers['x-should-retry'] = 'false';
  res.writeHead(e.status, headers);
  res.end(text);
  return e;
}
