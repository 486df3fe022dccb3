import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareAttributes } from '../../src/analyze/attribute-comparison.ts';

test('pairs that mark the selection rank first, by difference of proportions', () => {
  const ranked = compareAttributes({
    selectedSpans: 10,
    baselineSpans: 100,
    values: [
      { scope: 'resource', key: 'service.name', value: 'pay', selected: 10, baseline: 100 },
      { scope: 'span', key: 'region', value: 'eu', selected: 9, baseline: 10 },
      { scope: 'span', key: 'region', value: 'us', selected: 1, baseline: 90 },
      { scope: 'span', key: 'http.method', value: 'GET', selected: 5, baseline: 40 },
    ],
  });
  assert.deepEqual(
    ranked.map((r) => [r.key, r.value, Math.round(r.score * 100) / 100]),
    [
      ['region', 'eu', 0.8],
      ['http.method', 'GET', 0.1],
      ['service.name', 'pay', 0],
      ['region', 'us', -0.8],
    ],
  );
  assert.deepEqual([ranked[0].selectedShare, ranked[0].baselineShare], [0.9, 0.1]);
});

test('an empty baseline or selection gives shares of 0, not NaN', () => {
  const [only] = compareAttributes({ selectedSpans: 2, baselineSpans: 0, values: [{ scope: 'span', key: 'k', value: 'v', selected: 2, baseline: 0 }] });
  assert.deepEqual([only.selectedShare, only.baselineShare, only.score], [1, 0, 1]);
});
