// Small, dependency-free readers for environment variables and warnings.

/** @param {string|undefined} value */
export function nonEmpty(value) {
  if (value === undefined) return undefined;
  const trimmed = String(value).trim();
  return trimmed === '' ? undefined : trimmed;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** true / false for the usual spellings, undefined when unset or unreadable. */
export function readBoolean(env, name) {
  const value = nonEmpty(env[name])?.toLowerCase();
  if (value === undefined) return undefined;
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  warn(`${name}=${env[name]} is not a boolean (true/false); ignored`, 'SKEIN_BAD_ENV');
  return undefined;
}

/** A comma-separated list, lower-cased, or undefined when unset. */
export function readList(env, name) {
  const value = nonEmpty(env[name]);
  if (value === undefined) return undefined;
  return value.split(',').map((item) => item.trim().toLowerCase()).filter(Boolean);
}

/** A non-negative number, or undefined (with a warning) when unset or unreadable. */
export function readNumber(env, name) {
  const value = nonEmpty(env[name]);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) {
    warn(`${name}=${env[name]} is not a non-negative number; ignored`, 'SKEIN_BAD_ENV');
    return undefined;
  }
  return number;
}

/** Emits a process warning (shown on stderr as "SkeinWarning: ..."); never throws. */
export function warn(message, code) {
  process.emitWarning(`@skein/node: ${message}`, { type: 'SkeinWarning', code });
}
