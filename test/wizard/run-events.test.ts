// The run, failure and done screens driven by recorded sequences of the executor's own event
// type (src/executor/events.ts), so the cases that are slow or hard to provoke on real hosts
// (Ctrl-C mid-run, a step others require failing, a simulated verify table) are exact.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExecutorEvent, FailureReport } from '../../src/executor/events.ts';
import type { Plan } from '../../src/plan/model.ts';
import type { DoneInfo, RunHandle, RunSummary, WizardServices } from '../../installer/wizard/services.ts';
import { FIXTURE_RUNBOOK, KEY, startWizard } from './harness.ts';
import { loadLanguage } from '../../installer/wizard/languages.ts';
import { setCatalog, t } from '../../src/i18n/translate.ts';

function siteFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rb-wizard-events-'));
  const file = join(dir, 'site.yaml');
  writeFileSync(file, 'name: events\nmanagement: { address: 172.16.10.2, hostname: mgmt }\nhosts:\n  - { address: 172.16.10.3, hostname: kvm1 }\n');
  return file;
}

const counts = { ok: 0, changed: 0, skipped: 0, failed: 0, blocked: 0 };

function summary(result: RunSummary['result'], failures: FailureReport[] = [], extra: Partial<typeof counts> = {}): RunSummary {
  const c = { ...counts, ...extra };
  return { type: 'summary', ms: 4200, counts: c, ...c, notRun: 0, result, failures, blockedSteps: [], simulatedSteps: 0 };
}

function failure(id: string, host: string): FailureReport {
  return {
    host, id, command: `echo ${id}\nexit 3`, exitCode: 3, message: `${id} exited with 3`,
    lastLines: ['working', `${id} broke here`], log: `/tmp/x/.runbook/logs/${host}/${id}.log`, url: `https://docs.example/work/#${id}`,
  };
}

function planEvent(plan: Plan): ExecutorEvent {
  return { type: 'plan', site: plan.siteName, hosts: plan.machines.map((m) => m.name), steps: plan.steps.map((s) => ({ id: s.id, title: s.title, on: s.on, hosts: s.hosts })) };
}

/** An install service that plays the given scripts, one per call, and records the plans. */
function scripted(scripts: ((plan: Plan, emit: (e: ExecutorEvent) => void, stopped: Promise<boolean>) => Promise<RunSummary>)[]) {
  const plans: Plan[] = [];
  const stops: boolean[] = [];
  const install: WizardServices['install'] = (plan, onEvent): RunHandle => {
    plans.push(plan);
    let stop!: (force: boolean) => void;
    const stopped = new Promise<boolean>((r) => (stop = r));
    const script = scripts[plans.length - 1]!;
    const done = script(plan, onEvent, stopped).then((s) => {
      onEvent(s);
      return s;
    });
    return { stop: (force = false) => (stops.push(force), stop(force)), done };
  };
  return { install, plans, stops };
}

const tick = () => new Promise((r) => setTimeout(r, 30));

function fakeEngine(install: WizardServices['install'], doneInfo?: DoneInfo): Partial<WizardServices> {
  return {
    contactHost: async (_plan, m) => ({ name: m.name, target: 'root@test:22', state: 'connected' }),
    preflight: async (plan, onRow) => {
      const rows = plan.steps.filter((s) => s.url.startsWith('/preflight/')).flatMap((s) => s.hosts.map((host) => ({ id: s.id, title: s.title, host, status: 'pass' as const })));
      rows.forEach(onRow);
      return rows;
    },
    earlierRun: async () => ({ earlier: {}, lastDurations: {} }),
    install,
    doneInfo: async () => doneInfo ?? { uiUrl: 'http://172.16.10.2:8080/client', adminUser: 'admin', stateFile: '/x/state.json' },
  };
}

/** From the welcome screen to the run, in the language the catalog speaks. */
async function toRun(wizard: ReturnType<typeof startWizard>) {
  await wizard.waitFor('kvm1');
  await wizard.press(KEY.enter);
  await wizard.waitFor(t('Site file: {file}', { file: '' }));
  await wizard.press(KEY.ctrlS);
  await wizard.waitFor(t('All {count} machine(s) answered.', { count: 2 }));
  await wizard.press(KEY.enter);
  await wizard.waitFor(t('All checks passed.'));
  await wizard.press(KEY.enter);
  await wizard.waitFor(t('Enter start the installation · Esc back · Q quit').split(' · ')[0]!);
  await wizard.press(KEY.enter);
}

describe('wizard run, failure and done screens (recorded executor events)', () => {
  it('does not offer to skip a step others require, and Ctrl-C asks before stopping', async () => {
    const engine = scripted([
      async (plan, emit) => {
        emit(planEvent(plan));
        emit({ type: 'step-start', id: 'work-base', host: 'mgmt', title: 'Needed by the next' });
        emit({ type: 'step-output', id: 'work-base', host: 'mgmt', stream: 'stdout', line: 'base output line' });
        await tick();
        emit({ type: 'step-end', id: 'work-base', host: 'mgmt', status: 'failed', ms: 20, failure: failure('work-base', 'mgmt') });
        return summary('failed', [failure('work-base', 'mgmt')], { failed: 1 });
      },
      async (plan, emit, stopped) => {
        emit(planEvent(plan));
        emit({ type: 'step-start', id: 'work-base', host: 'mgmt', title: 'Needed by the next' });
        emit({ type: 'step-output', id: 'work-base', host: 'mgmt', stream: 'stdout', line: 'second attempt output' });
        await stopped;
        emit({ type: 'step-end', id: 'work-base', host: 'mgmt', status: 'ok', ms: 20 });
        return summary('interrupted', [], { ok: 1 });
      },
    ]);
    const file = siteFile();
    const wizard = startWizard({ siteFile: file, runbookDir: FIXTURE_RUNBOOK, services: fakeEngine(engine.install) });
    try {
      await toRun(wizard);
      let frame = await wizard.waitFor('A step failed');
      expect(frame).toContain('work-base');
      expect(frame).toContain('work-base broke here');
      expect(frame).toMatch(/Exit code\s+3/);
      expect(frame).toContain('https://docs.example/work/#work-base');
      expect(frame).toContain('Skipping is not offered: work-after require it.');
      expect(frame).not.toContain('Skip it for this run');
      await wizard.press(KEY.enter); // Retry
      frame = await wizard.waitFor('second attempt output');
      expect(frame).toContain('Installing');
      expect(frame).toMatch(/mgmt\s+0\/\d+\s+Needed by the next/);
      await wizard.press(KEY.ctrlC);
      frame = await wizard.waitFor('Stop the installation?');
      expect(frame).toContain('Stop after the running step(s) finish');
      expect(frame).toContain('Stop now: cut the running step(s) off');
      expect(engine.stops).toEqual([]);
      await wizard.press(KEY.enter); // the first choice: after the running steps
      frame = await wizard.waitFor('Interrupted: nothing more runs. Resume with');
      expect(engine.stops).toEqual([false]);
      expect(frame.replace(/\s+/g, ' ')).toContain(`runbook install --site ${file} --runbook ${FIXTURE_RUNBOOK}`);
      await wizard.press('q');
      await wizard.waitFor(() => wizard.exitCode() !== undefined);
      expect(wizard.exitCode()).toBe(1);
    } finally {
      wizard.unmount();
    }
  });

  it('shows what a long API step waits for, with the time updating in place', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const engine = scripted([
      async (plan, emit) => {
        emit(planEvent(plan));
        emit({ type: 'step-start', id: 'work-folder', host: 'mgmt', title: 'Make the work folder' });
        emit({ type: 'step-progress', id: 'work-folder', host: 'mgmt', text: 'addHost: waiting for the KVM agent on kvm1 to connect', elapsedMs: 12_000 });
        await released;
        emit({ type: 'step-end', id: 'work-folder', host: 'mgmt', status: 'ok', ms: 20 });
        return summary('completed', [], { ok: 1 });
      },
    ]);
    const wizard = startWizard({ siteFile: siteFile(), runbookDir: FIXTURE_RUNBOOK, services: fakeEngine(engine.install) });
    try {
      await toRun(wizard);
      let frame = await wizard.waitFor('addHost: waiting for');
      expect(frame).toMatch(/mgmt\s+0\/\d+\s+Make the work folder \(0:0\d\)\n\s+waiting 0:1[23]: addHost: waiting for the KVM agent on kvm1 to connect/);
      // No new event: the elapsed time still moves, on the same line.
      frame = await wizard.waitFor(/waiting 0:1[4-9]: addHost/, 10_000);
      expect(frame.match(/addHost: waiting for/g)).toHaveLength(1);
      release();
      frame = await wizard.waitFor('Done');
      expect(frame).not.toContain('addHost: waiting for');
    } finally {
      wizard.unmount();
    }
  });

  it('Ctrl-C, "stop now": a step the stop cut off ends the run as interrupted, not failed', async () => {
    const engine = scripted([
      async (plan, emit, stopped) => {
        emit(planEvent(plan));
        emit({ type: 'step-start', id: 'work-folder', host: 'mgmt', title: 'Make the work folder' });
        emit({ type: 'step-progress', id: 'work-folder', host: 'mgmt', text: 'createZone: waiting for the job', elapsedMs: 1000 });
        await stopped;
        // What the executor reports for a step whose connection the stop closed.
        const cut = { ...failure('work-folder', 'mgmt'), message: 'AbortError: This operation was aborted', exitCode: undefined };
        emit({ type: 'step-end', id: 'work-folder', host: 'mgmt', status: 'failed', ms: 20, failure: cut });
        return summary('failed', [cut], { failed: 1 });
      },
    ]);
    const file = siteFile();
    const wizard = startWizard({ siteFile: file, runbookDir: FIXTURE_RUNBOOK, services: fakeEngine(engine.install) });
    try {
      await toRun(wizard);
      await wizard.waitFor('createZone: waiting for the job');
      await wizard.press(KEY.ctrlC);
      await wizard.waitFor('Stop now: cut the running step(s) off');
      await wizard.press(KEY.down, KEY.enter);
      const frame = await wizard.waitFor('Interrupted: nothing more runs. Resume with');
      expect(engine.stops).toEqual([true]);
      expect(frame).not.toContain('A step failed');
      expect(frame).not.toContain('AbortError');
      expect(frame).toContain('Cut off, and run again on resume: work-folder (mgmt)');
      expect(frame.replace(/\s+/g, ' ')).toContain(`runbook install --site ${file}`);
    } finally {
      wizard.unmount();
    }
  });

  it('a step that failed on its own before "stop now" is still shown as the failure', async () => {
    const engine = scripted([
      async (plan, emit, stopped) => {
        emit(planEvent(plan));
        emit({ type: 'step-start', id: 'work-base', host: 'mgmt', title: 'Needed by the next' });
        emit({ type: 'step-start', id: 'work-folder', host: 'kvm1', title: 'Make the work folder' });
        emit({ type: 'step-end', id: 'work-base', host: 'mgmt', status: 'failed', ms: 20, failure: failure('work-base', 'mgmt') });
        await stopped;
        return summary('failed', [failure('work-base', 'mgmt')], { failed: 1 });
      },
    ]);
    const wizard = startWizard({ siteFile: siteFile(), runbookDir: FIXTURE_RUNBOOK, services: fakeEngine(engine.install) });
    try {
      await toRun(wizard);
      await wizard.waitFor(/kvm1\s+0\/\d+\s+Make the work folder/);
      await wizard.press(KEY.ctrlC);
      await wizard.waitFor('Stop now');
      await wizard.press(KEY.down, KEY.enter);
      const frame = await wizard.waitFor('A step failed');
      expect(frame).toContain('work-base broke here');
    } finally {
      wizard.unmount();
    }
  });

  it('keeps a space between the failure screen\'s labels and their values in Japanese (wide labels)', async () => {
    await loadLanguage('ja');
    const engine = scripted([
      async (plan, emit) => {
        emit(planEvent(plan));
        emit({ type: 'step-end', id: 'work-base', host: 'mgmt', status: 'failed', ms: 20, failure: failure('work-base', 'mgmt') });
        return summary('failed', [failure('work-base', 'mgmt')], { failed: 1 });
      },
    ]);
    const wizard = startWizard({ siteFile: siteFile(), runbookDir: FIXTURE_RUNBOOK, services: fakeEngine(engine.install) });
    try {
      await toRun(wizard);
      const frame = await wizard.waitFor(t('A step failed'));
      const fields: [string, string][] = [[t('Exit code'), '3'], [t('Docs'), 'https://docs.example/work/#work-base'], [t('Log'), '/tmp/x/.runbook/logs/mgmt/work-base.log']];
      for (const [label, value] of fields) {
        expect(frame).toMatch(new RegExp(`${label} +${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      }
    } finally {
      wizard.unmount();
      setCatalog('en', undefined);
    }
  });

  it('skips a failed step nothing depends on, and the done screen shows the simulated verify table', async () => {
    const engine = scripted([
      async (plan, emit) => {
        emit(planEvent(plan));
        emit({ type: 'step-start', id: 'work-maybe-fail', host: 'kvm1', title: 'A step that may fail' });
        emit({ type: 'step-end', id: 'work-maybe-fail', host: 'kvm1', status: 'failed', ms: 20, failure: failure('work-maybe-fail', 'kvm1') });
        return summary('failed', [failure('work-maybe-fail', 'kvm1')], { failed: 1 });
      },
      async (plan, emit) => {
        emit(planEvent(plan));
        for (const s of plan.steps) for (const host of s.hosts) emit({ type: 'step-end', id: s.id, host, status: 'ok', ms: 5 });
        return summary('completed', [], { ok: 11 });
      },
    ]);
    const info: DoneInfo = {
      uiUrl: 'http://172.16.10.2:8080/client', adminUser: 'admin', adminPassword: 'Generated-Pass-123', stateFile: '/site/.runbook/state.json',
      verify: { ok: false, simulated: true, checks: [
        { check: 'zone enabled', what: 'zone', object: 'Zone1', state: 'Enabled', ok: true },
        { check: 'host Up', what: 'KVM host', object: 'kvm1 (172.16.10.3)', state: 'Down', ok: false, hint: 'look at the agent' },
      ] },
    };
    const wizard = startWizard({ siteFile: siteFile(), runbookDir: FIXTURE_RUNBOOK, services: fakeEngine(engine.install, info) });
    try {
      await toRun(wizard);
      await wizard.waitFor('Skip it for this run');
      await wizard.press(KEY.down, KEY.enter);
      await wizard.waitFor('zone enabled');
      await wizard.press('p');
      const frame = await wizard.waitFor('Generated-Pass-123');
      expect(engine.plans[1]!.steps.find((s) => s.id === 'work-maybe-fail')!.hosts).toEqual(['mgmt']);
      expect(engine.plans[1]!.steps.find((s) => s.id === 'work-folder')!.hosts).toEqual(['mgmt', 'kvm1']);
      expect(frame).toContain('http://172.16.10.2:8080/client');
      expect(frame).toContain('/site/.runbook/state.json');
      expect(frame).toContain('simulated');
      expect(frame).toMatch(/✔ ok\s+zone enabled: Zone1 \(Enabled\)/);
      expect(frame).toMatch(/✖ FAILED\s+host Up: kvm1 \(172\.16\.10\.3\) \(Down\)/);
      await wizard.press(KEY.enter);
      await wizard.waitFor(() => wizard.exitCode() !== undefined);
      expect(wizard.exitCode()).toBe(0);
    } finally {
      wizard.unmount();
    }
  });

  it('says nothing is left to run when an earlier run did every step, not "about 0 minutes"', async () => {
    const engine = scripted([async (plan) => summary('completed', [], { skipped: plan.steps.reduce((n, s) => n + s.hosts.length, 0) })]);
    const services = fakeEngine(engine.install);
    services.earlierRun = async (plan) => ({ earlier: Object.fromEntries(plan.steps.flatMap((s) => s.hosts.map((host) => [`${s.id}@${host}`, 'skip' as const]))), lastDurations: {} });
    const wizard = startWizard({ siteFile: siteFile(), runbookDir: FIXTURE_RUNBOOK, services });
    try {
      await wizard.waitFor('kvm1');
      await wizard.press(KEY.enter);
      await wizard.waitFor('Site file:');
      await wizard.press(KEY.ctrlS);
      await wizard.waitFor('All 2 machine(s) answered');
      await wizard.press(KEY.enter);
      await wizard.waitFor('All checks passed.');
      await wizard.press(KEY.enter);
      const frame = await wizard.waitFor('Nothing is left to run: Enter checks the cloud and shows the login again.');
      expect(frame).not.toContain('about 0 minute');
      await wizard.press(KEY.enter);
      await wizard.waitFor('CloudStack UI');
    } finally {
      wizard.unmount();
    }
  });

  for (const language of ['en', 'ja']) {
    it(`fits the done screen of a whole cloud's verify table into 80×24 (${language})`, async () => {
      await loadLanguage(language);
      const engine = scripted([
        async (plan, emit) => {
          emit(planEvent(plan));
          for (const s of plan.steps) for (const host of s.hosts) emit({ type: 'step-end', id: s.id, host, status: 'ok', ms: 5 });
          return summary('completed', [], { ok: 12 });
        },
      ]);
      // What `runbook verify` reports for a zone with two hosts, and a site in a deep folder.
      const checks = ['zone', 'zone enabled', 'host Up', 'host Up', 'primary storage Up', 'secondary storage', 'SSVM Running', 'SSVM agent Up', 'CPVM Running', 'CPVM agent Up'];
      const failing = 'CPVM agent Up';
      const info: DoneInfo = {
        uiUrl: 'http://172.16.10.2:8080/client', adminUser: 'admin', adminPassword: 'Generated-Pass-123',
        stateFile: '/home/operator/clouds/production-site-one/.runbook/state.json',
        verify: { ok: true, simulated: false, checks: checks.map((check, i) => ({ check, what: check, object: `object-${i}`, state: check === failing ? 'Down' : 'Up', ok: check !== failing })) },
      };
      const file = join(mkdtempSync(join(tmpdir(), 'rb-wizard-events-deep-folder-for-a-long-path-')), 'site.yaml');
      writeFileSync(file, 'name: events\nmanagement: { address: 172.16.10.2, hostname: mgmt }\nhosts:\n  - { address: 172.16.10.3, hostname: kvm1 }\n');
      const wizard = startWizard({ siteFile: file, runbookDir: FIXTURE_RUNBOOK, services: fakeEngine(engine.install, info), columns: 80 });
      try {
        await toRun(wizard);
        await wizard.waitFor('runbook verify');
        await wizard.press('p');
        const frame = await wizard.waitFor('Generated-Pass-123');
        const lines = frame.split('\n');
        // The failed check is on screen however little room is left; the rest are counted.
        expect(frame).toMatch(/✖ \S+\s+CPVM agent Up: object-9 \(Down\)/);
        const passed = t('✔ {count} more checks passed', { count: 'COUNT' }).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('COUNT', '\\d+');
        expect(frame).toMatch(new RegExp(`${passed}|✔ [^\\n]*zone: object-0`));
        expect(lines[0]).toContain(language === 'ja' ? 'CloudStack Runbook · 完了' : 'CloudStack Runbook · Done');
        // Less than the terminal's 24 rows: a frame as tall as the terminal makes Ink clear it all.
        expect(lines.length).toBeLessThan(24);
        // The hints are still there, at the bottom: nothing pushed them off.
        expect(lines.at(-1)).toMatch(/Q/);
      } finally {
        wizard.unmount();
        setCatalog('en', undefined);
      }
    });
  }
});
