// `skein demo`'s command line: demo options apart from `skein serve`'s.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/cli/config.ts';
import { demoUsage, parseDemoArgs } from '../../src/cli/demo.ts';

test('demo options are taken out; the rest is left for skein serve', () => {
  const args = parseDemoArgs(['--rps', '12', '--data-dir', '/tmp/x', '--fault', 'latency:service=cart,ms=5', '--http-port=17000', '--fault=error:service=payment', '--no-server', '--seed=9', '--duration', '1m30s', '--base-port', '0']);
  assert.equal(args.rps, 12);
  assert.equal(args.seed, 9);
  assert.equal(args.server, false);
  assert.equal(args.basePort, 0);
  assert.equal(args.durationMs, 90_000);
  assert.deepEqual(args.faults, ['latency:service=cart,ms=5', 'error:service=payment']);
  assert.deepEqual(args.serveArgs, ['--data-dir', '/tmp/x', '--http-port=17000']);
  const config = loadConfig(args.serveArgs, {});
  assert.equal(config.dataDir, '/tmp/x');
  assert.equal(config.httpPort, 17000);

  const defaults = parseDemoArgs([]);
  assert.deepEqual({ ...defaults, serveArgs: undefined }, { server: true, endpoint: undefined, rps: 5, seed: 1, users: undefined, basePort: 8080, faults: [], faultLog: undefined, durationMs: undefined, demoLogLevel: undefined, serveArgs: undefined });
});

test('bad values are refused, and unknown options by skein serve', () => {
  for (const [argv, message] of [
    [['--rps', 'lots'], /--rps: 'lots' is not a rate/],
    [['--rps', '-1'], /--rps/],
    [['--base-port', '70000'], /--base-port/],
    [['--duration', '0s'], /--duration must be positive/],
    [['--duration', 'soon'], /--duration/],
    [['--seed', '1.5'], /--seed/],
    [['--endpoint'], /--endpoint needs a value/],
  ] as [string[], RegExp][]) {
    assert.throws(() => parseDemoArgs(argv), (err: Error) => err instanceof ConfigError && message.test(err.message), argv.join(' '));
  }
  assert.throws(() => loadConfig(parseDemoArgs(['--colour', 'red']).serveArgs, {}), ConfigError);
  assert.match(demoUsage(), /--fault SPEC/);
  assert.match(demoUsage(), /--data-dir/);
});
