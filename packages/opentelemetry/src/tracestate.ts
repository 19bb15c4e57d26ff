/**
 * A minimal W3C `tracestate` for links read back from stored events: the API only declares the interface, and the
 * SDK's implementation lives in `@opentelemetry/core`, which this package does not depend on.
 */
import type { TraceState } from '@opentelemetry/api';

const MAX_MEMBERS = 32;

class StoredTraceState implements TraceState {
  constructor(private readonly members: ReadonlyArray<readonly [string, string]>) {}

  get(key: string): string | undefined {
    return this.members.find(([k]) => k === key)?.[1];
  }

  set(key: string, value: string): TraceState {
    // The most recent member goes first, as the specification asks.
    return new StoredTraceState([[key, value] as const, ...this.members.filter(([k]) => k !== key)].slice(0, MAX_MEMBERS));
  }

  unset(key: string): TraceState {
    return new StoredTraceState(this.members.filter(([k]) => k !== key));
  }

  serialize(): string {
    return this.members.map(([k, v]) => `${k}=${v}`).join(',');
  }
}

/** Parses a `tracestate` header value; members without a `key=value` shape are dropped. */
export function parseTraceState(value: string): TraceState | undefined {
  const members: Array<readonly [string, string]> = [];
  for (const part of value.split(',')) {
    const member = part.trim();
    const eq = member.indexOf('=');
    if (eq <= 0 || eq === member.length - 1) continue;
    members.push([member.slice(0, eq), member.slice(eq + 1)] as const);
    if (members.length === MAX_MEMBERS) break;
  }
  return members.length === 0 ? undefined : new StoredTraceState(members);
}
