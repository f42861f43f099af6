// `runbook install [--site F] [--runbook DIR] [--yes] [--json] [--from ID] [--only ID] [--dry-run]
// [--recheck]`: run the plan on the site's machines, resuming from the journal; with --recheck,
// finished steps are checked again and the drifted ones re-run. Exit code 0 only when
// nothing failed; 1 on a failure; 130 when stopped with Ctrl-C.
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { expandHome } from '../../src/site-file/paths.ts';
import type { ApiRunner } from '../../src/executor/api-runner.ts';
import { Executor, type ExecutorOptions } from '../../src/executor/executor.ts';
import type { ExecutorEvent } from '../../src/executor/events.ts';
import type { RetryPolicy } from '../../src/executor/step-runner.ts';
import type { Plan } from '../../src/plan/model.ts';
import { LockHeldError } from '../../src/state/lock.ts';
import { statePaths } from '../../src/state/paths.ts';
import { loadInputs } from '../load-inputs.ts';
import { jsonRenderer, lineRenderer, type Write } from './install-output.ts';

export interface InstallOptions {
  site: string;
  runbook?: string;
  yes?: boolean;
  json?: boolean;
  from?: string;
  only?: string;
  dryRun?: boolean;
  /** Run the check and verify of finished steps again; re-run those that drifted. */
  recheck?: boolean;
  /** Hosts worked on at once (default: all). */
  parallel?: number | string;
  /** Seams for tests and the wizard. */
  out?: Write;
  err?: Write;
  plan?: Plan;
  apiRunner?: ApiRunner | null;
  confirmHostKey?: ExecutorOptions['confirmHostKey'];
  policy?: Partial<RetryPolicy>;
  onEvent?: (event: ExecutorEvent) => void;
}

/** One question at a time on the terminal, even when several hosts connect at once. */
let questions: Promise<unknown> = Promise.resolve();
function ask(question: string, hidden = false): Promise<string> {
  const answer = questions.then(
    () =>
      new Promise<string>((resolve) => {
        const rl = createInterface({
          input: process.stdin,
          output: process.stderr,
          terminal: true,
        });
        if (hidden) {
          const write = (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput;
          (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (
            s: string,
          ) => {
            if (s.startsWith(question)) write.call(rl, s);
          };
        }
        rl.question(question, (text) => {
          rl.close();
          if (hidden) process.stderr.write('\n');
          resolve(text);
        });
      }),
  );
  questions = answer.catch(() => undefined);
  return answer;
}

function hostKeyQuestion(options: InstallOptions): ExecutorOptions['confirmHostKey'] {
  if (options.confirmHostKey) return options.confirmHostKey;
  return async (host, fingerprint) => {
    if (options.yes) return true;
    if (!process.stdin.isTTY) {
      throw new Error(
        `${host} is not known yet (host key ${fingerprint}). Compare the fingerprint with ` +
          '`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on that machine, then run again with --yes to accept it',
      );
    }
    const answer = await ask(
      `The host key of ${host} is ${fingerprint}. Is that the machine you mean? [y/N] `,
    );
    return /^y(es)?$/i.test(answer.trim());
  };
}

async function defaultApiRunner(caFile: string | undefined): Promise<ApiRunner> {
  const { createApiRunner } = await import('../../src/cloudstack/executor-adapter.ts');
  return createApiRunner(caFile ? { caFile } : {});
}

function resumeCommand(options: InstallOptions): string {
  const parts = ['runbook install', `--site ${options.site}`];
  if (options.runbook) parts.push(`--runbook ${options.runbook}`);
  return parts.join(' ');
}

export async function run(options: InstallOptions): Promise<number> {
  const out = options.out ?? ((t: string) => void process.stdout.write(t));
  const err = options.err ?? ((t: string) => void process.stderr.write(t));
  const inputs = options.plan
    ? undefined
    : loadInputs({ site: options.site, runbook: options.runbook });
  const plan = options.plan ?? inputs!.plan;
  const ca = inputs?.site.site.cloudstack.ca;
  const caFile = ca ? expandHome(ca, dirname(plan.siteFile)) : undefined;
  const render = options.json
    ? jsonRenderer(out)
    : lineRenderer(out, resumeCommand(options), options.dryRun);
  const parallel = options.parallel === undefined ? undefined : Number(options.parallel);
  if (parallel !== undefined && !(Number.isInteger(parallel) && parallel > 0)) {
    err(`runbook install: --parallel must be a whole number above 0 (got ${options.parallel})\n`);
    return 2;
  }
  const executor = new Executor({
    plan,
    from: options.from,
    only: options.only,
    dryRun: options.dryRun,
    recheck: options.recheck,
    parallel,
    policy: options.policy,
    apiRunner:
      options.apiRunner === null
        ? undefined
        : (options.apiRunner ?? (await defaultApiRunner(caFile))),
    confirmHostKey: hostKeyQuestion(options),
    askPassword: async (host) => {
      if (!process.stdin.isTTY)
        throw new Error(`${host} logs in with a password, which can only be typed on a terminal`);
      return ask(`SSH password for ${host}: `, true);
    },
    onEvent: (event) => {
      render(event);
      options.onEvent?.(event);
    },
  });

  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts === 1) {
      err(
        '\nStopping after the running steps end (or time out). Press Ctrl-C again to cut the connections.\n',
      );
      executor.stop();
    } else {
      err('\nCutting the connections now.\n');
      executor.stop(true);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const summary = await executor.run();
    if (summary.result === 'failed') return 1;
    if (summary.result === 'interrupted') return 130;
    return 0;
  } catch (error) {
    if (error instanceof LockHeldError) {
      err(`runbook install: ${error.message}\n`);
      return 1;
    }
    if ((error as NodeJS.ErrnoException).code === 'ENOSPC') {
      // The journal is written line by line with fsync, so what was recorded is whole.
      err(
        `runbook install: the disk holding ${statePaths(plan.siteFile).dir} is full. ` +
          `Free some space there, then run again to resume: ${resumeCommand(options)}\n`,
      );
      return 1;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
