// The one error every receiver's decoder throws for a malformed request (truncated,
// wrong types, invalid JSON...). Its message says what and where; adapters answer 400.
export class DecodeError extends Error {
  override readonly name: string = 'DecodeError';
}
