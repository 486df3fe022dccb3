// node --import tsx bench/decode.ts — OTLP decode throughput, decode only (no HTTP, no store):
// the hand-written protobuf decoder, protobufjs (reflection) plus a converter to the same
// rows as the reference, and the OTLP/JSON decoder. BENCH_SECONDS sets the time per path.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { decodeOtlpJson } from '../src/receive/otlp-json.ts';
import { decodeOtlpProto } from '../src/receive/otlp-proto.ts';
import { decodeWithProtobufjs } from '../test/receive/protobufjs-oracle.ts';
import { measureDecodeRate, type DecodeRate } from './decode-ceiling.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
// The machine may be shared with other work: the paths take turns in short rounds, and
// each reports its best round (the least disturbed) and its median one.
const ROUNDS = 6;

const captured = (name: string) => readFileSync(new URL(`../../shared/testdata/captured/${name}`, import.meta.url));
const gzipped512 = captured('bench-512.pb.gz');
const proto512 = gunzipSync(gzipped512);
const json64 = captured('bench-64.json').toString('utf8');
const spans512 = decodeOtlpProto(proto512).spans.length;

const paths: { label: string; decodeOnce: () => number; rates: DecodeRate[] }[] = [
  { label: 'hand decoder, bench-512', decodeOnce: () => decodeOtlpProto(proto512).spans.length, rates: [] },
  { label: 'protobufjs + converter, bench-512', decodeOnce: () => decodeWithProtobufjs(proto512).length, rates: [] },
  { label: 'gunzip + hand decoder, bench-512.pb.gz', decodeOnce: () => decodeOtlpProto(gunzipSync(gzipped512)).spans.length, rates: [] },
  { label: 'JSON decoder (JSON.parse), bench-64.json', decodeOnce: () => decodeOtlpJson(json64).spans.length, rates: [] },
];

console.log(`decode only, ${SECONDS} s a path in ${ROUNDS} rounds; bench-512: ${spans512} spans, ${(proto512.length / spans512).toFixed(0)} B/span protobuf`);
for (let round = 0; round < ROUNDS; round++) {
  for (const path of paths) path.rates.push(measureDecodeRate(path.decodeOnce, SECONDS / ROUNDS));
}

const best = (rates: DecodeRate[], key: keyof DecodeRate) => Math.max(...rates.map((rate) => rate[key]));
const median = (rates: DecodeRate[], key: keyof DecodeRate) => rates.map((rate) => rate[key]).sort((a, b) => a - b)[Math.floor(rates.length / 2)];
const format = (n: number) => Math.round(n).toLocaleString('en-US').padStart(9);
console.log(`${''.padEnd(40)} ${'spans/s: best'.padStart(14)} ${'median'.padStart(9)}   per CPU-second: best`);
for (const { label, rates } of paths) {
  console.log(`${label.padEnd(40)} ${format(best(rates, 'spansPerSecond')).padStart(14)} ${format(median(rates, 'spansPerSecond'))}   ${format(best(rates, 'spansPerCpuSecond'))}`);
}
const [hand, protobufjs] = paths;
const ratio = (key: keyof DecodeRate, of: typeof best) => (of(hand.rates, key) / of(protobufjs.rates, key)).toFixed(2);
console.log(`hand / protobufjs: ${ratio('spansPerSecond', best)}x best to best, ${ratio('spansPerSecond', median)}x median to median`);
