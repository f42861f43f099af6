// The append-only journal: one JSON object per line, each written whole with one write() and
// fsync'd, so a kill at any instant leaves at worst a torn last line, which reading ignores
// and the next writer cuts off before appending.
import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';

export type StepStatus = 'ok' | 'changed' | 'skipped' | 'failed' | 'blocked';

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
    writeSync(this.fd, JSON.stringify(entry) + '\n');
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
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
