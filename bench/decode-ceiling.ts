// The decode-only ceiling: how many spans a second decodeOtlpProto turns into rows from one
// request body, in this process, with nothing else to do. bench/ingest.ts prints it next
// to end-to-end ingest as the reference; bench/decode.ts compares it with other decoders.
import { decodeOtlpProto } from '../src/receive/otlp-proto.ts';

export interface DecodeRate {
  /** spans per second of wall-clock time */
  spansPerSecond: number;
  /** spans per second of this process's CPU time: steadier when other work shares the machine */
  spansPerCpuSecond: number;
}

/** Spans/s (wall clock) of decodeOtlpProto on `body`, decoded over and over for about `seconds`. */
export function measureDecodeCeiling(body: Uint8Array, seconds: number): number {
  return measureDecodeRate(() => decodeOtlpProto(body).spans.length, seconds).spansPerSecond;
}

/**
 * Calls `decodeOnce` (which returns how many spans it decoded) over and over for about
 * `seconds`, after a warm-up so the JIT has done its work.
 */
export function measureDecodeRate(decodeOnce: () => number, seconds: number): DecodeRate {
  const warmUpEnd = performance.now() + Math.min(1000, seconds * 200);
  while (performance.now() < warmUpEnd) decodeOnce();

  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const end = start + seconds * 1000;
  let spans = 0;
  let now = start;
  while (now < end) {
    spans += decodeOnce();
    now = performance.now();
  }
  const cpu = process.cpuUsage(cpuStart);
  return {
    spansPerSecond: spans / ((now - start) / 1000),
    spansPerCpuSecond: spans / ((cpu.user + cpu.system) / 1e6),
  };
}
