/**
 * Compares two global positions: negative when `a` is before `b`, 0 when equal, positive after.
 * Positions are decimal strings; they compare as integers, not as text.
 */
export function comparePositions(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
