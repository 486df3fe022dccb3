// An error that knows its HTTP status, so adapters can answer with a clear 4xx/5xx.
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Seconds, sent as Retry-After on 429/503. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/**
 * The answer to a request whose client went away during its store read (the read rejected
 * with an AbortError, see span-store.ts): nobody receives it, and it is no server error to
 * log. 499 is nginx's "client closed request", for whatever logs the status.
 */
export function clientClosedRequest(): Response {
  return new Response(null, { status: 499 });
}
