/**
 * Side effect only: starts tracing from the environment (SKEIN_* and OTEL_* variables).
 * `node --import @skein/node/register app.js`, or `import '@skein/node/register'` first.
 */
export {};
