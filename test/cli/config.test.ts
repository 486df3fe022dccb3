import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig, usage } from '../../src/cli/config.ts';

test('defaults', () => {
  const config = loadConfig([], {});
  assert.equal(config.dataDir, './skein-data');
  assert.equal(config.storage, 'chdb');
  assert.equal(config.httpPort, 16686);
  assert.equal(config.otlpHttpPort, 4318);
  assert.equal(config.otlpGrpcPort, 4317);
  assert.equal(config.zipkinPort, 9411);
  assert.equal(config.jaegerPort, 14268);
  assert.equal(config.tempoPort, 3200);
  assert.equal(config.retentionNs, 7n * 86_400_000_000_000n);
  assert.equal(config.walFsync, true);
});

test('flags beat environment, environment beats the config file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skein-config-'));
  const file = join(dir, 'skein.yaml');
  writeFileSync(file, 'http-port: 1000\notlp-http-port: 2000\nretention: 48h\nwal-fsync: false\n');
  const config = loadConfig(['--config', file, '--http-port', '3000'], { SKEIN_HTTP_PORT: '4000', SKEIN_OTLP_HTTP_PORT: '5000' });
  assert.equal(config.httpPort, 3000);
  assert.equal(config.otlpHttpPort, 5000);
  assert.equal(config.retentionNs, 48n * 3_600_000_000_000n);
  assert.equal(config.walFsync, false);

  const json = join(dir, 'skein.json');
  writeFileSync(json, JSON.stringify({ 'data-dir': '/var/lib/skein', retention: '0' }));
  const fromJson = loadConfig([], { SKEIN_CONFIG: json });
  assert.equal(fromJson.dataDir, '/var/lib/skein');
  assert.equal(fromJson.retentionNs, 0n);

  const tempoFile = join(dir, 'tempo.yaml');
  writeFileSync(tempoFile, 'tempo-port: 3201\n');
  assert.equal(loadConfig(['--config', tempoFile], {}).tempoPort, 3201);
  assert.equal(loadConfig(['--config', tempoFile], { SKEIN_TEMPO_PORT: '3202' }).tempoPort, 3202);
  assert.equal(loadConfig(['--config', tempoFile, '--tempo-port', '3203'], { SKEIN_TEMPO_PORT: '3202' }).tempoPort, 3203);
});

test('bad settings are named', () => {
  assert.throws(() => loadConfig(['--http-port', '70000'], {}), (e: unknown) => e instanceof ConfigError && /--http-port/.test(e.message));
  assert.throws(() => loadConfig([], { SKEIN_TEMPO_PORT: 'x' }), (e: unknown) => e instanceof ConfigError && /SKEIN_TEMPO_PORT/.test(e.message));
  assert.throws(() => loadConfig([], { SKEIN_RETENTION: 'a week' }), (e: unknown) => e instanceof ConfigError && /SKEIN_RETENTION/.test(e.message));
  assert.throws(() => loadConfig(['--no-such-flag'], {}), ConfigError);
  const dir = mkdtempSync(join(tmpdir(), 'skein-config-'));
  writeFileSync(join(dir, 'bad.yaml'), 'colour: blue\n');
  assert.throws(() => loadConfig(['--config', join(dir, 'bad.yaml')], {}), /unknown setting 'colour'/);
});

test('help lists every flag with its environment variable', () => {
  const text = usage();
  for (const flag of ['--data-dir', '--http-port', '--otlp-http-port', '--otlp-grpc-port', '--tempo-port', '--storage', '--retention', '--config']) {
    assert.ok(text.includes(flag), flag);
  }
  assert.ok(text.includes('SKEIN_DATA_DIR'));
  assert.ok(text.includes('SKEIN_TEMPO_PORT'));
});

test('Zipkin autocomplete keys: none by default; a comma-separated flag or variable, or a list in the config file', () => {
  assert.deepEqual(loadConfig([], {}).zipkinAutocompleteKeys, []);
  assert.deepEqual(loadConfig(['--zipkin-autocomplete-keys', 'http.method, app.user.id,'], {}).zipkinAutocompleteKeys, ['http.method', 'app.user.id']);
  assert.deepEqual(loadConfig([], { SKEIN_ZIPKIN_AUTOCOMPLETE_KEYS: 'env.key' }).zipkinAutocompleteKeys, ['env.key']);
  const file = join(mkdtempSync(join(tmpdir(), 'skein-config-')), 'skein.yaml');
  writeFileSync(file, 'zipkin-autocomplete-keys:\n  - region\n  - app.user.id\n');
  assert.deepEqual(loadConfig(['--config', file], {}).zipkinAutocompleteKeys, ['region', 'app.user.id']);
  assert.match(usage(), /--zipkin-autocomplete-keys .*default none\]/);
});
