// Shared by the wizard tests: the App rendered with ink-testing-library, keystrokes, waiting
// for a frame, and a site file whose machines are loopback sshd hosts.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import React from 'react';
import { render } from 'ink-testing-library';
import { App } from '../../installer/wizard/app.ts';
import { realServices } from '../../installer/wizard/real-services.ts';
import type { WizardServices } from '../../installer/wizard/services.ts';
import type { ClientKey, FakeHost } from '../helpers/sshd.ts';

export const FIXTURE_RUNBOOK = new URL('./fixtures/runbook', import.meta.url).pathname;

export const KEY = {
  up: '\u001B[A',
  down: '\u001B[B',
  enter: '\r',
  escape: '\u001B',
  backspace: '\u007F',
  ctrlS: '\u0013',
  ctrlC: '\u0003',
  tab: '\t',
};

export interface Wizard {
  frame: () => string;
  press: (...keys: string[]) => Promise<void>;
  type: (text: string) => Promise<void>;
  waitFor: (test: string | RegExp | ((frame: string) => boolean), timeoutMs?: number) => Promise<string>;
  exitCode: () => number | undefined;
  unmount: () => void;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function startWizard(options: { siteFile: string; runbookDir?: string; services?: Partial<WizardServices>; columns?: number; rows?: number }): Wizard {
  let code: number | undefined;
  const services = { ...realServices(), ...options.services };
  const instance = render(
    React.createElement(App, {
      siteFile: options.siteFile,
      ...(options.runbookDir ? { runbookDir: options.runbookDir } : {}),
      services,
      onExit: (c: number) => {
        code = c;
      },
    }),
  );
  if (options.columns || options.rows) {
    // ink-testing-library's terminal is 100 columns (and, with no rows, 24 to the wizard).
    if (options.columns) Object.defineProperty(instance.stdout, 'columns', { value: options.columns });
    if (options.rows) Object.defineProperty(instance.stdout, 'rows', { value: options.rows });
    instance.stdout.emit('resize');
  }
  const frame = () => instance.lastFrame() ?? '';
  return {
    frame,
    async press(...keys) {
      for (const k of keys) {
        instance.stdin.write(k);
        await pause(60);
      }
    },
    async type(text) {
      for (const ch of text) {
        instance.stdin.write(ch);
        await pause(15);
      }
      await pause(60);
    },
    async waitFor(test, timeoutMs = 20_000) {
      const ok = typeof test === 'function' ? test : (f: string) => (typeof test === 'string' ? f.includes(test) : test.test(f));
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (ok(frame())) {
          // Let effects (input handlers of a screen that just appeared) settle before keys come.
          await pause(120);
          return frame();
        }
        await pause(40);
      }
      throw new Error(`timed out waiting for ${String(test)}; the screen shows:\n${frame()}`);
    },
    exitCode: () => code,
    unmount: () => instance.unmount(),
  };
}

/** A site whose machines are the fake hosts (reached via ssh overrides), named uniquely. */
export function writeLoopbackSite(hosts: FakeHost[], key: ClientKey, name = `wiz-${process.pid}-${Date.now() % 100000}`): { dir: string; siteFile: string; name: string; work: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rb-wizard-site-'));
  const siteFile = join(dir, 'site.yaml');
  const [mgmt, ...kvms] = hosts;
  const entry = (h: FakeHost, i: number) => `{ address: 172.16.10.${i + 2}, hostname: ${h.name}, ssh: { host: ${h.address}, port: ${h.port} } }`;
  writeFileSync(
    siteFile,
    [
      '# loopback test site (the operator comment must survive the wizard)',
      `name: ${name}`,
      'network: { interface: eth0, cidr: 172.16.10.0/24, gateway: 172.16.10.1, dns: [172.16.10.1] }',
      `management: ${entry(mgmt!, 0)}`,
      'hosts:',
      ...kvms.map((h, i) => `  - ${entry(h, i + 1)}`),
      `ssh: { user: root, identity: ${key.privateKey} }`,
      '',
    ].join('\n'),
  );
  const work = join('/tmp/rb-wizard', name);
  mkdirSync(work, { recursive: true });
  return { dir, siteFile, name, work };
}
