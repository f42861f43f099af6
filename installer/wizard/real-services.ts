// The wizard's services backed by the engine. Every engine module is imported when first
// needed, so the welcome screen draws before the runbook parser, zod or ssh2 are loaded.
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { freemem } from 'node:os';
import type { Problem } from '../../src/diagnostics.ts';
import type { Machine, Plan } from '../../src/plan/model.ts';
import { t } from '../../src/i18n/translate.ts';
import { runbookCommand } from './hints.ts';
import type { ConfirmHostKey, DoneInfo, HostContact, RunHandle, WizardServices } from './services.ts';

function problemsOf(error: unknown): Problem[] | undefined {
  const e = error as { name?: string; problems?: Problem[] };
  return e?.name === 'InputError' && Array.isArray(e.problems) ? e.problems : undefined;
}

/** The CloudStack UI address: beside the API endpoint when the site names one, else port 8080. */
export function uiUrlOf(plan: Plan): string {
  const endpoint = plan.apiEndpoint;
  if (/\/api\/?$/.test(endpoint)) return endpoint.replace(/\/api\/?$/, '');
  return `http://${plan.variables.MGMT_IP}:8080/client`;
}

/** The lab the wizard starts: all-in-one, with the memory the runbook's preflight asks for. */
const LAB = { hosts: 0, memoryMb: 4096 };

/** `site.yaml.broken`, or `.broken.2`, ...: the first name not taken. */
export function asideName(file: string, taken: (name: string) => boolean = existsSync): string {
  let name = `${file}.broken`;
  for (let n = 2; taken(name); n++) name = `${file}.broken.${n}`;
  return name;
}

export function realServices(): WizardServices {
  return {
    languages: async () => (await import('./languages.ts')).availableLanguages(),
    setLanguage: async (code) => (await import('./languages.ts')).loadLanguage(code),

    readSiteText(file) {
      return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    },

    async checkSiteText(text, file) {
      const { parseSiteText } = await import('../../src/site-file/load.ts');
      try {
        const loaded = parseSiteText(text, file);
        return { site: loaded.site, errors: [], warnings: loaded.warnings };
      } catch (error) {
        const problems = problemsOf(error);
        if (!problems) throw error;
        return { errors: problems, warnings: [] };
      }
    },

    writeSiteText(file, text) {
      // Replace atomically so an interrupted write never leaves half a site file.
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, text, { mode: 0o644 });
      renameSync(temp, file);
    },

    setAsideSiteFile(file) {
      const aside = asideName(file);
      renameSync(file, aside);
      return aside;
    },

    async buildPlan(options) {
      const { loadInputs } = await import('../load-inputs.ts');
      try {
        return { plan: loadInputs(options).plan, problems: [] };
      } catch (error) {
        const problems = problemsOf(error);
        if (!problems) throw error;
        return { problems };
      }
    },

    async contactHost(plan: Plan, machine: Machine, confirm: ConfirmHostKey): Promise<HostContact> {
      const [{ SshTransport }, { statePaths, ensureStateDir }, { explainContactError }] = await Promise.all([
        import('../../src/transport/ssh.ts'),
        import('../../src/state/paths.ts'),
        import('./connect-errors.ts'),
      ]);
      const paths = statePaths(plan.siteFile);
      ensureStateDir(paths);
      const target = `${machine.ssh.user}@${machine.ssh.host}:${machine.ssh.port}`;
      let accepted: string | undefined;
      const transport = new SshTransport({
        host: machine.name,
        target: machine.ssh,
        knownHostsFile: paths.knownHosts,
        readyTimeoutSeconds: 10,
        confirmHostKey: async (host, fingerprint) => {
          const ok = await confirm(host, fingerprint);
          if (ok) accepted = fingerprint;
          return ok;
        },
      });
      try {
        await transport.connect();
        return { name: machine.name, target, state: 'connected', ...(accepted ? { fingerprint: accepted } : {}) };
      } catch (error) {
        return { name: machine.name, target, state: 'failed', ...explainContactError(error, machine, paths.knownHosts) };
      } finally {
        await transport.close();
      }
    },

    preflight: async (plan, onRow, confirm) => (await import('./preflight-run.ts')).runPreflight(plan, onRow, confirm),

    async earlierRun(plan) {
      const { statePaths } = await import('../../src/state/paths.ts');
      const paths = statePaths(plan.siteFile);
      const earlier: Record<string, 'skip' | 'run'> = {};
      const lastDurations: Record<string, number> = {};
      // No journal: nothing ran before, and a dry run would create the state folder.
      if (!existsSync(paths.journal)) return { earlier, lastDurations };
      const [{ Executor }, { readJournal, lastEnds }] = await Promise.all([
        import('../../src/executor/executor.ts'),
        import('../../src/state/journal.ts'),
      ]);
      for (const [key, end] of lastEnds(readJournal(paths.journal))) lastDurations[key] = end.ms;
      const executor = new Executor({
        plan,
        dryRun: true,
        confirmHostKey: async () => false,
        onEvent: (e) => {
          if (e.type === 'dry-run') earlier[`${e.id}@${e.host}`] = e.action;
        },
      });
      await executor.run();
      return { earlier, lastDurations };
    },

    install(plan, onEvent, confirm, options = {}): RunHandle {
      let executor: { stop(force?: boolean): void } | undefined;
      let stopRequest: boolean | undefined;
      const done = (async () => {
        const [{ Executor }, { createApiRunner }, { loadSite }] = await Promise.all([
          import('../../src/executor/executor.ts'),
          import('../../src/cloudstack/executor-adapter.ts'),
          import('../../src/site-file/load.ts'),
        ]);
        const ca = loadSite(plan.siteFile).site.cloudstack.ca;
        const run = new Executor({
          plan,
          onEvent,
          confirmHostKey: confirm,
          apiRunner: createApiRunner(ca ? { caFile: ca } : {}),
          ...(options.recheck ? { recheck: true } : {}),
        });
        executor = run;
        if (stopRequest !== undefined) run.stop(stopRequest);
        return run.run();
      })();
      return {
        stop(force = false) {
          stopRequest = force;
          executor?.stop(force);
        },
        done,
      };
    },

    async doneInfo(plan): Promise<DoneInfo> {
      const [{ statePaths }, { readState }] = await Promise.all([import('../../src/state/paths.ts'), import('../../src/state/store.ts')]);
      const stateFile = statePaths(plan.siteFile).state;
      const password = readState(stateFile).secrets.ADMIN_PASSWORD;
      const info: DoneInfo = { uiUrl: uiUrlOf(plan), adminUser: 'admin', stateFile, ...(password ? { adminPassword: password } : {}) };
      try {
        const [{ resolveConnection }, { CloudStackClient }, { verifyCloud }] = await Promise.all([
          import('../../src/cloudstack/connection.ts'),
          import('../../src/cloudstack/client.ts'),
          import('../../src/cloudstack/verify.ts'),
        ]);
        const conn = resolveConnection({ site: plan.siteFile });
        const client = new CloudStackClient({ endpoint: conn.endpoint, keys: conn.keys, caFile: conn.caFile });
        info.verify = await verifyCloud(client, { zoneName: conn.zoneName });
      } catch (error) {
        const problems = problemsOf(error);
        const message = problems ? problems.map((p) => `${p.message}${p.fix ? ` (${p.fix})` : ''}`).join('; ') : (error as Error).message;
        info.verifyError = message.split(password ?? '\u0000').join('<secret>');
      }
      return info;
    },

    async labPlan() {
      const { labLayout, labMachines } = await import('../../src/lab/layout.ts');
      return {
        machines: labMachines(LAB.hosts).map((m) => m.name),
        memoryMb: LAB.memoryMb,
        availableMb: Math.floor(freemem() / 2 ** 20),
        dir: labLayout().dir,
      };
    },

    async labUp(onProgress) {
      const { labUp } = await import('../../src/lab/lab.ts');
      const status = await labUp({ onProgress, hosts: LAB.hosts, memory: LAB.memoryMb });
      if (!status.up) throw new Error(t('the lab did not come up; see `{command}`', { command: runbookCommand('lab status') }));
      return { siteFile: status.siteFile };
    },
  };
}
