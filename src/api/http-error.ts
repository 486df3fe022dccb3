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
