/** Watches a held consumer lock; see {@link watchConsumerLock}. */
export interface LockWatchdog {
  /** False once the lock was found lost or the watch was stopped. */
  readonly held: boolean;
  /** Stops watching (on release); returns whether the lock was still held until then. */
  stop(): boolean;
}

/** Settings of {@link watchConsumerLock}. */
export interface LockWatchdogOptions {
  /** How often to check (and, for lease locks, renew). */
  everyMs: number;
  /** Renews or checks the lock; resolves false when another instance has it now. */
  check(): Promise<boolean>;
  /** Called once when `check` finds the lock lost: the consumer it protects must stop. Checking stops then. */
  onLost(): void;
}

/**
 * Checks a held lock every `everyMs` until it is released or found lost, the part every backend lock shares
 * whatever it checks (a lease renewal, an advisory lock still held by its connection). A check that fails (a busy
 * or unreachable database) is ignored: the next tick tries again, and the lock's own mechanism (a lease that outlives
 * a few missed renewals, a server that frees a dead session's locks) decides what a longer outage means.
 */
export function watchConsumerLock(options: LockWatchdogOptions): LockWatchdog {
  let held = true;
  const timer = setInterval(() => {
    options.check().then(
      (stillOurs) => {
        if (stillOurs || !held) return;
        held = false;
        clearInterval(timer);
        options.onLost();
      },
      () => {},
    );
  }, options.everyMs);
  // The lock alone must not keep the process alive: the consumer it protects does.
  timer.unref();
  return {
    get held() {
      return held;
    },
    stop() {
      const was = held;
      held = false;
      clearInterval(timer);
      return was;
    },
  };
}
