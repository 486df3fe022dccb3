// Getting the last spans out: flush when the event loop empties (beforeExit) and on
// SIGTERM/SIGINT, without changing how the process would have ended.

/**
 * A span processor that only notes that a sampled span ended since the last flush, so
 * `beforeExit` flushes when there is something to send and otherwise lets the process go
 * (a flush that always kept the loop alive would make beforeExit fire forever).
 */
export class EndedSpanTracker {
  dirty = false;
  onStart() {}
  onEnd() {
    this.dirty = true;
  }
  /** true if spans ended since the last call; resets the mark. */
  take() {
    const dirty = this.dirty;
    this.dirty = false;
    return dirty;
  }
  forceFlush() {
    return Promise.resolve();
  }
  shutdown() {
    return Promise.resolve();
  }
}

/**
 * Runs `work` while a ref'd timer keeps the event loop alive (the OTLP exporter's request
 * alone does not), for at most `timeoutMs`. Never rejects.
 */
export function keepAlive(work, timeoutMs) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  return Promise.race([Promise.resolve().then(work).catch(() => {}), timeout]).finally(() => clearTimeout(timer));
}

/**
 * Installs the exit hooks; returns a function that removes them.
 *
 * - beforeExit (the loop emptied: the app is ending on its own): if spans ended since the
 *   last flush, flush them while keeping the loop alive; the process then ends as it would
 *   have, with its own exit code.
 * - SIGTERM / SIGINT:
 *   - if the app has its own listener for the signal, the app decides what happens: we only
 *     start a flush (kept alive), and the final one happens on beforeExit or in the app's
 *     call to shutdown();
 *   - otherwise Node would have terminated the process: we shut down (flush, bounded by
 *     `timeoutMs`), remove our listener and send the same signal again, so the process
 *     ends by that signal exactly as it would have untraced. A second signal during the
 *     flush ends it at once.
 */
export function installExitHooks({ tracker, flush, shutdown, timeoutMs, signals }) {
  let terminating = false;

  const onBeforeExit = () => {
    if (tracker.take()) keepAlive(flush, timeoutMs);
  };

  const onSignal = (signal) => {
    if (terminating) {
      reraise(signal);
      return;
    }
    const appListeners = process.listeners(signal).filter((listener) => listener !== onSignal).length;
    if (appListeners > 0) {
      tracker.take();
      keepAlive(flush, timeoutMs);
      return;
    }
    terminating = true;
    keepAlive(shutdown, timeoutMs).then(() => reraise(signal));
  };

  const reraise = (signal) => {
    remove();
    process.kill(process.pid, signal);
  };

  const remove = () => {
    process.removeListener('beforeExit', onBeforeExit);
    for (const signal of signals) process.removeListener(signal, onSignal);
  };

  process.on('beforeExit', onBeforeExit);
  // First in line, so that when the signal comes every listener of the app is still
  // registered (a `once` listener removes itself before later listeners run) and counted.
  for (const signal of signals) process.prependListener(signal, onSignal);
  return remove;
}
