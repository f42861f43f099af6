// The append-only journal: one JSON object per line, each written whole with one write(), so a
// kill at any instant leaves at worst a torn last line, which reading ignores and the next
// writer cuts off before appending.
//
// Durability is group-committed: a line is in the kernel once write() returns (a killed
// installer loses nothing), and fsync runs in the background for every line written since the
// last one. With 32 hosts ending steps at once, a synchronous fsync per line (about 3 ms here)
// held the event loop for seconds and serialised the hosts. A power cut can cost the last few
// lines; that is the case a resume already handles (a step without its end runs again, and its
// check makes that safe). close() syncs whatever is left before it returns.
import {
  closeSync,
  existsSync,
  fsync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import type { StepInputs } from '../plan/fingerprint.ts';

export type StepStatus = 'ok' | 'changed' | 'skipped' | 'failed' | 'blocked';

/** What a recheck found: the check (and verify) still pass, one failed, or there is nothing to run. */
export type RecheckResult = 'still-done' | 'drifted' | 'not-checkable';

export type JournalEntry =
  | { t: 'run-start'; run: string; at: string; pid: number; steps: number }
  | { t: 'step-start'; run: string; at: string; id: string; host: string; hash: string }
  | {
      t: 'step-end';
      run: string;
      at: string;
      id: string;
      host: string;
      hash: string;
      status: StepStatus;
      ms: number;
      reason?: string;
      exitCode?: number;
      /** Answered by the CloudStack API simulator, not a real CloudStack. */
      simulated?: boolean;
      /** Digests of the step's parts, so a later plan can say what changed (absent in old journals). */
      inputs?: StepInputs;
    }
  | {
      /** `install --recheck` looked at a finished step again (its check and verify). */
      t: 'step-check';
      run: string;
      at: string;
      id: string;
      host: string;
      hash: string;
      result: RecheckResult;
      reason?: string;
      ms: number;
    }
  | { t: 'run-end'; run: string; at: string; result: 'completed' | 'failed' | 'interrupted' };

export function readJournal(file: string): JournalEntry[] {
  if (!existsSync(file)) return [];
  const entries: JournalEntry[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch {
      // a torn line from a killed writer: it never happened
    }
  }
  return entries;
}

export class Journal {
  private readonly fd: number;
  private syncing = false;
  private dirty = false;
  private closed = false;
  private syncFailure: Error | undefined;

  constructor(file: string) {
    this.fd = openSync(file, 'a+', 0o600);
    this.cutTornTail(file);
  }

  private cutTornTail(file: string): void {
    const text = readFileSync(file);
    if (text.length === 0 || text[text.length - 1] === 0x0a) return;
    const keep = text.lastIndexOf(0x0a) + 1;
    ftruncateSync(this.fd, keep);
    fsyncSync(this.fd);
  }

  append(entry: JournalEntry): void {
    // A background fsync that failed (EIO, a full disk) stops the run at the next line, as a
    // failed write does.
    if (this.syncFailure) throw this.syncFailure;
    writeSync(this.fd, JSON.stringify(entry) + '\n');
    this.dirty = true;
    this.syncInBackground();
  }

  private syncInBackground(): void {
    if (this.syncing || !this.dirty || this.closed) return;
    this.syncing = true;
    this.dirty = false;
    fsync(this.fd, (error) => {
      this.syncing = false;
      if (this.closed) return closeSync(this.fd);
      if (error) this.syncFailure ??= error;
      else this.syncInBackground();
    });
  }

  /** Sync every line written and release the file. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    fsyncSync(this.fd);
    // A background fsync still in flight owns the descriptor until its callback closes it, so
    // the number cannot be reused under it.
    if (!this.syncing) closeSync(this.fd);
  }
}

/** The last recorded end of each (step, host): what a resume starts from. */
export function lastEnds(
  entries: JournalEntry[],
): Map<string, Extract<JournalEntry, { t: 'step-end' }>> {
  const ends = new Map<string, Extract<JournalEntry, { t: 'step-end' }>>();
  for (const e of entries) if (e.t === 'step-end') ends.set(`${e.id}@${e.host}`, e);
  return ends;
}

export type StepCheck = Extract<JournalEntry, { t: 'step-check' }>;

/** The last recheck of each (step, host), if any. */
export function lastChecks(entries: JournalEntry[]): Map<string, StepCheck> {
  const checks = new Map<string, StepCheck>();
  for (const e of entries) if (e.t === 'step-check') checks.set(`${e.id}@${e.host}`, e);
  return checks;
}

export interface HostCheck {
  /** When the host's last recheck looked at its last step. */
  at: string;
  run: string;
  counts: Record<RecheckResult, number>;
}

/** Per host: its most recent recheck run, with what that run found there. */
export function lastHostChecks(entries: JournalEntry[]): Map<string, HostCheck> {
  const hosts = new Map<string, HostCheck>();
  for (const e of entries) {
    if (e.t !== 'step-check') continue;
    let host = hosts.get(e.host);
    if (!host || host.run !== e.run) {
      host = { at: e.at, run: e.run, counts: { 'still-done': 0, drifted: 0, 'not-checkable': 0 } };
      hosts.set(e.host, host);
    }
    host.at = e.at;
    host.counts[e.result]++;
  }
  return hosts;
}
