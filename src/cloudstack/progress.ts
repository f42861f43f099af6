// Progress while the API client waits: a report when a long wait begins and then every few
// seconds with the time waited so far (the executor turns each into a `step-progress` event).

/**
 * Receives what is waited for ("addHost: waiting for the KVM agent on kvm1 to connect") and
 * the time waited so far; the one who shows it adds the time ("..., 2m10s").
 */
export type Progress = (text: string, elapsedMs: number) => void;

export interface WaitOptions {
  /** Time between reports. */
  everyMs: number;
  /** Report at once (a wait known to be long); otherwise the first report comes after everyMs. */
  immediate: boolean;
}

/** Start reporting a wait; stop() ends it (call it in a finally). Without a receiver: nothing. */
export function startWait(
  progress: Progress | undefined,
  text: string,
  opts: WaitOptions,
): { stop: () => void } {
  if (!progress) return { stop: () => {} };
  const started = Date.now();
  const report = () => progress(text, Date.now() - started);
  if (opts.immediate) report();
  const timer = setInterval(report, Math.max(1, opts.everyMs));
  timer.unref?.();
  return { stop: () => clearInterval(timer) };
}
