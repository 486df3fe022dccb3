// Jaeger's structuredResponse, the envelope jaeger-query puts every HTTP API answer in
// (data, or errors), and the error handler the Jaeger apps share: a ParamError or an
// HttpError says its status, anything else is a 500 that is logged.
import type { Context, ErrorHandler } from 'hono';
import type { Logger } from 'pino';
import { ParamError } from '../query/search-params.ts';
import { isAbortError } from '../store/abort.ts';
import { clientClosedRequest, HttpError } from './http-error.ts';

export interface Envelope<T> {
  data: T;
  total: number;
  limit: number;
  offset: number;
  errors: { code: number; msg: string }[] | null;
}

export function ok<T>(data: T): Envelope<T> {
  return { data, total: Array.isArray(data) ? data.length : 0, limit: 0, offset: 0, errors: null };
}

export function failure(code: number, msg: string): Envelope<null> {
  return { data: null, total: 0, limit: 0, offset: 0, errors: [{ code, msg }] };
}

/** A successful answer in the envelope, as jaegerJson writes it. */
export function answer(c: Context, data: unknown): Response {
  return jaegerJson(c, ok(data));
}

/**
 * A successful answer as jaeger-query's writeJSON writes every one: `?prettyPrint` (any
 * value but 'false') indents it with 4 spaces (errors stay compact, as upstream's are).
 */
export function jaegerJson(c: Context, body: unknown): Response {
  const pretty = c.req.query('prettyPrint');
  if (!pretty || pretty === 'false') return c.json(body);
  return c.body(JSON.stringify(body, null, 4), 200, { 'Content-Type': 'application/json' });
}

export function jaegerErrorHandler(what: string, logger?: Logger): ErrorHandler {
  return (err, c) => {
    if (isAbortError(err)) return clientClosedRequest();
    if (err instanceof ParamError) return c.json(failure(400, err.message), 400);
    if (err instanceof HttpError) return c.json(failure(err.status, err.message), err.status as 400);
    logger?.error({ err }, `${what} failed`);
    return c.json(failure(500, `internal error: ${err.message}`), 500);
  };
}
