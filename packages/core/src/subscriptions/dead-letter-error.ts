/**
 * How a dead letter records its handler's error: name and message, what an operator needs to decide whether to
 * replay (a stack would tie the record to one build of the code). Every backend's dead-letter store uses it, so a
 * letter reads the same wherever it was parked.
 */
export function describeDeadLetterError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
