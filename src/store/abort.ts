// The one error a cancelled read rejects with, whichever store and transport ran it. Not
// signal.reason: @hono/node-server aborts a request's signal with a plain string.

/** The standard AbortError (a DOMException named 'AbortError'), as fetch rejects with. */
export function abortError(): DOMException {
  return new DOMException('the read was cancelled', 'AbortError');
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError();
}

/** True for abortError() and for any other AbortError (fetch's, chDB's). */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
