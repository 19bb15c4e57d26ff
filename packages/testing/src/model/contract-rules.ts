/**
 * The input rules of the contract (DESIGN.md section 2), restated independently of the core so that the kit can
 * predict which hostile inputs must be rejected and which must round-trip.
 */

/** Expected revision of a commit or a conditional delete. */
export type ModelExpected = 'any' | 'no-stream' | 'stream-exists' | number;

/** Stream ids: at most 256 UTF-8 bytes. */
export const STREAM_ID_MAX_BYTES = 256;
/** Event ids: at most 128 UTF-16 code units. */
export const EVENT_ID_MAX_CHARS = 128;
/** Event type names: at most 256 UTF-16 code units. */
export const EVENT_TYPE_MAX_CHARS = 256;
/** Metadata keys: at most 256 UTF-16 code units. */
export const METADATA_KEY_MAX_CHARS = 256;

/** Whether `text` contains a C0 control, DEL or a C1 control (the contract's "control characters"). */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit <= 0x1f || (unit >= 0x7f && unit <= 0x9f)) return true;
  }
  return false;
}

/** Whether `text` holds a lone (unpaired) UTF-16 surrogate. */
export function hasLoneSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return true;
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) return true;
  }
  return false;
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

function validText(value: unknown, maxSize: number, size: (text: string) => number): boolean {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    size(value) <= maxSize &&
    !hasControlCharacter(value) &&
    !hasLoneSurrogate(value)
  );
}

/** Whether the contract accepts `value` as a stream id. */
export function isValidStreamId(value: unknown): boolean {
  return validText(value, STREAM_ID_MAX_BYTES, utf8Length);
}

/** Whether the contract accepts `value` as an event id. */
export function isValidEventId(value: unknown): boolean {
  return validText(value, EVENT_ID_MAX_CHARS, (text) => text.length);
}

/** Whether the contract accepts `value` as an event type name. */
export function isValidEventType(value: unknown): boolean {
  return validText(value, EVENT_TYPE_MAX_CHARS, (text) => text.length);
}

/** Whether the contract accepts `value` as a metadata key. */
export function isValidMetadataKey(value: unknown): boolean {
  return validText(value, METADATA_KEY_MAX_CHARS, (text) => text.length);
}

/** Whether the contract accepts `value` as a tenant id: `^[a-z][a-z0-9_]{0,47}$`. */
export function isValidTenantId(value: unknown): boolean {
  return typeof value === 'string' && /^[a-z][a-z0-9_]{0,47}$/.test(value);
}

/** Whether a stream at `revision` (0 = absent) satisfies `expected`. */
export function satisfies(expected: ModelExpected, revision: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no-stream':
      return revision === 0;
    case 'stream-exists':
      return revision !== 0;
    default:
      return expected === revision;
  }
}
