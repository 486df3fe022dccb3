// Durations as people write them in Jaeger, Tempo and Go: 250ms, 1.5s, 2h30m, 7d.

const unitNs: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
  w: 604_800_000_000_000n,
};

const part = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d|w)/y;

/** Parses '1h30m', '250ms', '1.5s' into nanoseconds; throws on anything else. */
export function parseDurationNs(text: string): bigint {
  const input = text.trim();
  if (input === '') throw new Error('empty duration');
  let total = 0n;
  part.lastIndex = 0;
  while (part.lastIndex < input.length) {
    const at = part.lastIndex;
    const match = part.exec(input);
    if (!match) {
      throw new Error(`'${text}' is not a duration (expected e.g. 250ms, 1.5s, 2h30m, 7d; at position ${at})`);
    }
    const [, amount, unit] = match;
    const [whole, fraction = ''] = amount.split('.');
    const scale = unitNs[unit];
    total += BigInt(whole) * scale;
    if (fraction) total += (BigInt(fraction) * scale) / 10n ** BigInt(fraction.length);
  }
  return total;
}
