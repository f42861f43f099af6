// The real program in a real terminal for the wizard tests: tmux on a private socket runs
// `installer/bin/runbook.js`, keystrokes go in with send-keys, the screen comes back with
// capture-pane (the visible screen, or everything including the scrollback).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { FIXTURE_RUNBOOK } from './harness.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE = join(ROOT, 'node_modules/.bin/node');

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Terminal {
  readonly name: string;
  readonly socket: string;
  /**
   * The wizard on `siteFile`, or `options.command` as given (the appliance test's serial
   * console, for one).
   */
  constructor(
    socket: string,
    name: string,
    siteFile: string,
    options: { env?: string; columns?: number; rows?: number; runbook?: string; command?: string } = {},
  ) {
    this.socket = socket;
    this.name = name;
    const args = ['installer/bin/runbook.js', '--site', siteFile, '--runbook', options.runbook ?? FIXTURE_RUNBOOK];
    // A person at a terminal: no CI variables (CI runs these tests with CI=true, and Ink then
    // draws only a final frame instead of an interactive screen).
    const command =
      options.command ??
      `cd ${ROOT} && env -u CI -u CONTINUOUS_INTEGRATION ${options.env ?? ''} ${NODE} ${args.join(' ')}; echo "EXIT=$?"; sleep 600`;
    this.tmux('new-session', '-d', '-s', name, '-x', String(options.columns ?? 80), '-y', String(options.rows ?? 24), command);
  }
  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }
  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', this.name);
  }
  /** The screen with its escape sequences (colours, bold) kept. */
  styled(): string {
    return this.tmux('capture-pane', '-p', '-e', '-t', this.name);
  }
  /** Everything the terminal holds: the scrollback and the screen. */
  history(): string {
    return this.tmux('capture-pane', '-p', '-S', '-', '-E', '-', '-t', this.name);
  }
  keys(...keys: string[]): void {
    for (const k of keys) this.tmux('send-keys', '-t', this.name, k);
  }
  /** Text typed as is (send-keys -l: no key names). */
  type(text: string): void {
    this.tmux('send-keys', '-t', this.name, '-l', '--', text);
  }
  async waitFor(text: string | RegExp, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const s = this.screen();
      if (typeof text === 'string' ? s.includes(text) : text.test(s)) {
        await pause(150);
        return this.screen();
      }
      await pause(100);
    }
    throw new Error(`timed out waiting for ${String(text)}; the terminal shows:\n${this.screen()}`);
  }
  /** The screen's title is on the first line: the frame fits in the terminal's rows. */
  fits(screen: string, title: string): void {
    expect(screen.split('\n')[0]).toContain(`CloudStack Runbook · ${title}`);
  }
  kill(): void {
    try {
      this.tmux('kill-session', '-t', this.name);
    } catch {
      // already gone
    }
  }
}

/** Ends the tmux server of a socket (every session on it). */
export function killTmuxServer(socket: string): void {
  try {
    execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
  } catch {
    // no server left
  }
}

export { pause };
