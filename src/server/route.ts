/**
 * Typed routes that document themselves: each route declares zod schemas for its path parameters, query, body and
 * response; the same schemas validate the request (400 with JSON paths on failure) and produce the OpenAPI document
 * (openapi.ts, through zod's own `z.toJSONSchema`).
 */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { jsonPath } from '../enforce/policy.js';
import type { AppEnv } from './security.js';

/** An error a handler throws to answer with a status and a JSON body `{error, issues?}`. */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 503,
    message: string,
    readonly issues?: Issue[],
  ) {
    super(message);
  }
}

export interface Issue {
  /** JSON path of the offending value, e.g. `$.rules[0].action`. */
  path: string;
  message: string;
}

/** zod issues as `{path, message}` with JSON paths. */
export function issuesOf(err: z.ZodError, limit = 50): Issue[] {
  return err.issues.slice(0, limit).map((i) => ({ path: jsonPath(i.path), message: i.message }));
}

export type Method = 'get' | 'post' | 'put' | 'delete';

export interface RouteSpec<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  method: Method;
  /** Hono path, parameters as `:name`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  body?: B;
  response: R;
  /** Media type of a non-JSON response; the response schema then describes one line of it. */
  mediaType?: string;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface HandlerInput<P, Q, B> {
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
  c: Context<AppEnv>;
}

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new HttpError(400, `invalid ${what}`, issuesOf(r.error));
  return r.data;
}

/** The routes of an app, in the order they were added (the OpenAPI document lists them). */
export class Api {
  readonly routes: RouteSpec[] = [];

  constructor(readonly app: Hono<AppEnv>) {}

  add<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(
    spec: RouteSpec<P, Q, B, R>,
    handler: (input: HandlerInput<P, Q, B>) => Promise<z.input<R> | Response>,
  ): void {
    this.routes.push(spec as unknown as RouteSpec);
    this.app.on(spec.method.toUpperCase(), spec.path, async (c) => {
      const params = spec.params ? parse(spec.params, c.req.param(), 'path parameters') : undefined;
      const query = spec.query ? parse(spec.query, c.req.query(), 'query') : undefined;
      let body: unknown;
      if (spec.body) {
        let raw: unknown;
        try {
          raw = await c.req.json();
        } catch {
          throw new HttpError(400, 'the request body is not JSON');
        }
        body = parse(spec.body, raw, 'request body');
      }
      const out = await handler({ params, query, body, c } as HandlerInput<P, Q, B>);
      if (out instanceof Response) return out;
      return c.json(out as object);
    });
  }
}
