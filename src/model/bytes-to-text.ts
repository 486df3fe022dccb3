// Text from bytes, fast: the hot decoders (OTLP protobuf in, RowBinary trace reads out)
// make most of their strings here. Measured on the OTLP decoder, where string making was
// most of a span's decoding cost.

/** Node's Buffer has utf8Slice and latin1Slice (what toString calls, minus argument juggling); @types/node omits them. */
export type NodeBuffer = Buffer & { utf8Slice(start: number, end: number): string; latin1Slice(start: number, end: number): string };

/** `bytes` as a NodeBuffer, sharing its memory. */
export function nodeBuffer(bytes: Uint8Array): NodeBuffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as NodeBuffer;
}

/** The UTF-8 text of `length` bytes at `start`; `view` is a DataView over the same bytes. */
export function utf8Text(bytes: NodeBuffer, view: DataView, start: number, length: number): string {
  if (length < CACHED_MIN_BYTES) return shortString(bytes, start, length);
  if (length <= CACHED_MAX_BYTES) return cachedString(bytes, view, start, length);
  return bytes.utf8Slice(start, start + length);
}

// A cache of recently made strings, by their UTF-8 bytes. Making a string from bytes is
// most of a span's decoding cost (a call into C++ and an allocation, ~130 ns here, ~18
// strings a span), and attribute keys, span names and many values repeat from span to
// span: finding one here costs a fifth of that. Direct-mapped, a slot holding the last
// string hashed to it; a miss costs a hash and a copy of at most CACHED_MAX_BYTES bytes.
const CACHE_SLOTS = 4096;
/** The hash reads 4-byte words; shorter strings have their own way (shortString). */
const CACHED_MIN_BYTES = 4;
/** Longer strings tend to be one-offs (URLs, messages, stack traces). */
const CACHED_MAX_BYTES = 64;
const cachedBytes = new Uint8Array(CACHE_SLOTS * CACHED_MAX_BYTES);
const cachedBytesView = new DataView(cachedBytes.buffer);
const cachedLengths = new Int32Array(CACHE_SLOTS);
const cachedStrings = new Array<string>(CACHE_SLOTS).fill('');

function cachedString(bytes: NodeBuffer, view: DataView, start: number, length: number): string {
  // Hash the length and three 4-byte words (first, middle, last): cheaper than every byte,
  // and enough to spread keys and values over the slots. Equality is checked in full.
  const lastWord = view.getUint32(start + length - 4, true);
  let hash = Math.imul(view.getUint32(start, true) ^ length, 0x9e3779b1);
  hash = Math.imul(hash ^ view.getUint32(start + ((length - 4) >> 1), true), 0x85ebca77);
  hash = Math.imul(hash ^ lastWord, 0xc2b2ae3d);
  const slot = (hash >>> 20) & (CACHE_SLOTS - 1);
  const slotStart = slot * CACHED_MAX_BYTES;
  if (cachedLengths[slot] === length) {
    let i = 0;
    while (i < length - 4 && cachedBytesView.getUint32(slotStart + i, true) === view.getUint32(start + i, true)) i += 4;
    if (i >= length - 4 && cachedBytesView.getUint32(slotStart + length - 4, true) === lastWord) return cachedStrings[slot];
  }
  const text = bytes.utf8Slice(start, start + length);
  cachedLengths[slot] = length;
  for (let i = 0; i < length; i++) cachedBytes[slotStart + i] = bytes[start + i];
  cachedStrings[slot] = text;
  return text;
}

/** Strings under 4 bytes ("GET", "1.1"): made in JavaScript when ASCII, cheaper than a call into C++. */
function shortString(bytes: NodeBuffer, start: number, length: number): string {
  if (length === 0) return '';
  const b0 = bytes[start];
  if (length === 1) return b0 < 0x80 ? String.fromCharCode(b0) : bytes.utf8Slice(start, start + 1);
  const b1 = bytes[start + 1];
  if (length === 2) return (b0 | b1) < 0x80 ? String.fromCharCode(b0, b1) : bytes.utf8Slice(start, start + 2);
  const b2 = bytes[start + 2];
  return (b0 | b1 | b2) < 0x80 ? String.fromCharCode(b0, b1, b2) : bytes.utf8Slice(start, start + 3);
}

// Character codes of the two lowercase hex digits of every byte value.
const HEX_HIGH = new Uint8Array(256);
const HEX_LOW = new Uint8Array(256);
for (let byte = 0; byte < 256; byte++) {
  HEX_HIGH[byte] = '0123456789abcdef'.charCodeAt(byte >> 4);
  HEX_LOW[byte] = '0123456789abcdef'.charCodeAt(byte & 15);
}

export function hexOf8Bytes(bytes: Uint8Array, at: number): string {
  const b0 = bytes[at], b1 = bytes[at + 1], b2 = bytes[at + 2], b3 = bytes[at + 3];
  const b4 = bytes[at + 4], b5 = bytes[at + 5], b6 = bytes[at + 6], b7 = bytes[at + 7];
  // One call with every character code: measured faster than concatenating or Buffer's hex.
  return String.fromCharCode(
    HEX_HIGH[b0], HEX_LOW[b0], HEX_HIGH[b1], HEX_LOW[b1], HEX_HIGH[b2], HEX_LOW[b2], HEX_HIGH[b3], HEX_LOW[b3],
    HEX_HIGH[b4], HEX_LOW[b4], HEX_HIGH[b5], HEX_LOW[b5], HEX_HIGH[b6], HEX_LOW[b6], HEX_HIGH[b7], HEX_LOW[b7],
  );
}

export function hexOf16Bytes(bytes: Uint8Array, at: number): string {
  const b0 = bytes[at], b1 = bytes[at + 1], b2 = bytes[at + 2], b3 = bytes[at + 3];
  const b4 = bytes[at + 4], b5 = bytes[at + 5], b6 = bytes[at + 6], b7 = bytes[at + 7];
  const b8 = bytes[at + 8], b9 = bytes[at + 9], b10 = bytes[at + 10], b11 = bytes[at + 11];
  const b12 = bytes[at + 12], b13 = bytes[at + 13], b14 = bytes[at + 14], b15 = bytes[at + 15];
  return String.fromCharCode(
    HEX_HIGH[b0], HEX_LOW[b0], HEX_HIGH[b1], HEX_LOW[b1], HEX_HIGH[b2], HEX_LOW[b2], HEX_HIGH[b3], HEX_LOW[b3],
    HEX_HIGH[b4], HEX_LOW[b4], HEX_HIGH[b5], HEX_LOW[b5], HEX_HIGH[b6], HEX_LOW[b6], HEX_HIGH[b7], HEX_LOW[b7],
    HEX_HIGH[b8], HEX_LOW[b8], HEX_HIGH[b9], HEX_LOW[b9], HEX_HIGH[b10], HEX_LOW[b10], HEX_HIGH[b11], HEX_LOW[b11],
    HEX_HIGH[b12], HEX_LOW[b12], HEX_HIGH[b13], HEX_LOW[b13], HEX_HIGH[b14], HEX_LOW[b14], HEX_HIGH[b15], HEX_LOW[b15],
  );
}
