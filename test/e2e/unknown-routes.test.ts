// Paths no route serves: each API prefix answers 404 in its own dialect's error shape, and
// the web UI's page only for the UI's own pages. Jaeger UI calls /analytics/..., /serviceedges
// and /qualitymetrics-v2 on its origin and parses the answer as JSON: an HTML page there
// showed as a parse error (Skein serves /analytics/v1/dependencies, the Deep Dependency Graph).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useSkeinProcess, type SkeinProcess } from '../support/skein-process.ts';

let skein: SkeinProcess;
useSkeinProcess((started) => (skein = started));

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, init);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/, `${url}: ${res.headers.get('content-type')}`);
  return { status: res.status, body: await res.json() };
}

test("Jaeger UI's own paths and unknown /api/ paths: 404 in Jaeger's envelope", async () => {
  for (const [path, method] of [
    ['/analytics/v2/anything?service=frontend', 'GET'],
    ['/serviceedges?service=frontend', 'GET'],
    ['/qualitymetrics-v2?service=frontend', 'GET'],
    ['/api/anything', 'GET'],
    ['/api/services/frontend/nothing', 'GET'],
    ['/api/traces', 'POST'],
  ]) {
    const { status, body } = await json(`${skein.httpUrl}${path}`, { method });
    assert.equal(status, 404, path);
    assert.deepEqual(body, {
      data: null,
      total: 0,
      limit: 0,
      offset: 0,
      errors: [{ code: 404, msg: `no route for ${method} ${path.split('?')[0]}` }],
    });
  }
});

test("unknown Skein and api_v3 paths: 404 in each one's own shape", async () => {
  assert.deepEqual(await json(`${skein.httpUrl}/api/v1/nothing`), {
    status: 404,
    body: { error: { status: 404, message: 'no route for GET /api/v1/nothing' } },
  });
  assert.deepEqual(await json(`${skein.httpUrl}/api/v3/nothing`), {
    status: 404,
    body: { error: { httpCode: 404, message: 'no route for GET /api/v3/nothing' } },
  });
});

test("the UI's pages get the page; other paths a 404", async () => {
  for (const path of ['/', '/search?service=x', '/trace/0123456789abcdef', '/compare', '/map', '/health', '/rca', '/search/']) {
    const res = await fetch(`${skein.httpUrl}${path}`);
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/, path);
    assert.match(await res.text(), /<div id="root">/, path);
  }
  for (const path of ['/favicon.ico', '/trace/a/b', '/searchx', '/assets/missing.js']) {
    const res = await fetch(`${skein.httpUrl}${path}`);
    assert.equal(res.status, 404, path);
    assert.doesNotMatch(await res.text(), /<html/i, path);
  }
});

test('unknown paths on the Zipkin and Tempo ports: 404', async () => {
  for (const url of [`${skein.zipkinUrl}/api/v2/nothing`, `${skein.zipkinUrl}/zipkin/api/v2/services`, `${skein.tempoUrl}/api/nothing`]) {
    const res = await fetch(url);
    assert.equal(res.status, 404, url);
    await res.body?.cancel();
  }
});
