// `node --import @skein/node/register app.js` (or `import '@skein/node/register'` first):
// starts tracing from environment variables alone. See README.md for the variables.
import { start } from './index.js';

start();
