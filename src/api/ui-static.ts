// Serves the web UI (ui/, built into ui/dist by `npm run build`) on the query port: its
// files as they are, and index.html for the UI's page paths, since the UI routes in the
// browser (/trace/{id}, /search?...) and a reload or a shared link must find it. Other
// paths are left to the caller's 404: a client asking an API path must get an error it
// can read, not a page.
import { serveStatic } from '@hono/node-server/serve-static';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';

export const UI_DIST_DIR = fileURLToPath(new URL('../../ui/dist', import.meta.url));

/** The pages of ui/src/App.tsx. */
const UI_PAGE = /^\/(?:search|compare|map|health|rca|trace\/[^/]+)?\/?$/;

export function uiApp(distDir = UI_DIST_DIR): Hono {
  const app = new Hono();
  app.use('/assets/*', serveStatic({ root: distDir }));
  app.get('*', (c, next) => {
    if (!UI_PAGE.test(c.req.path)) return next();
    const index = join(distDir, 'index.html');
    if (!existsSync(index)) return c.text('The web UI is not built: run `npm run build`.', 503);
    // Read per request: a rebuild (npm run dev:ui, npm run build) shows without a restart.
    return c.html(readFileSync(index, 'utf8'));
  });
  return app;
}
