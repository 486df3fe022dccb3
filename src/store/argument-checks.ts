// Checks on the numbers a store query is given, shared by every store so that they refuse
// the same arguments: the ClickHouse store writes them into SQL as literals.

export function integer(value: number, name: string): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be an integer, got ${value}`);
  return value;
}

export function nonNegativeInteger(value: number, name: string): number {
  if (integer(value, name) < 0) throw new RangeError(`${name} must not be negative, got ${value}`);
  return value;
}

/** A quantile level that can be written as a plain SQL number (aggregate parameters must be literals). */
export function quantileLevel(level: number): number {
  // Subnormal numbers are no literal ClickHouse 18.16 parses; no one asks for such a quantile.
  if (!(level >= 0 && level <= 1) || (level > 0 && level < 1e-300)) throw new RangeError(`a quantile must be from 0 to 1, got ${level}`);
  return level;
}
