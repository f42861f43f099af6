// The executor: runs a plan's steps on its hosts (in parallel, each host in document order,
// plus `requires`), resumes from the journal, and reports everything as typed events.
import { randomUUID } from 'node:crypto';
import { API_HOST, type Machine, type Plan, type PlannedStep } from '../plan/model.ts';
import { Journal, readJournal, type StepStatus } from '../state/journal.ts';
import { describeReason, JournalDecisions, type TaskDecision } from '../plan/changes.ts';
import { acquireLock } from '../state/lock.ts';
import { StepLog } from '../state/logs.ts';
import { ensureStateDir, safeName, statePaths, type StatePaths } from '../state/paths.ts';
import { ensureSecrets, mergeCaptured, readState, type SiteState } from '../state/store.ts';
import { defaultTransport } from './transports.ts';
import type { Transport } from '../transport/types.ts';
import { NO_API_CLIENT, type ApiRunner } from './api-runner.ts';
import { docsUrl } from './docs-url.ts';
import type { Counts, ExecutorEvent, FailureReport } from './events.ts';
import { Rechecker, type Rechecked } from './recheck.ts';
import { checkPlanOrder, forcedStep, selectSteps, type Selection } from './select.ts';
import {
  DEFAULT_RETRY_POLICY,
  runStep,
  type RetryPolicy,
  type StepOutcome,
  type StepRunInput,
} from './step-runner.ts';
import { Deferred, Semaphore } from './sync.ts';
import { RepositoryProbe } from './repo-probe.ts';
import { Redactor, stepEnvironment } from './variables.ts';

export interface ExecutorOptions extends Selection {
  plan: Plan;
  onEvent?: (event: ExecutorEvent) => void;
  /** First contact with a host: accept its key? (`--yes` answers true; a changed key never asks.) */
  confirmHostKey: (host: string, fingerprint: string) => Promise<boolean>;
  askPassword?: (host: string) => Promise<string>;
  apiRunner?: ApiRunner;
  /** How to reach a machine; defaults to SSH with the site's known_hosts. */
  transportFor?: (machine: Machine, paths: StatePaths) => Transport;
  /** Hosts working at once; default all. */
  parallel?: number;
  dryRun?: boolean;
  /**
   * Look at finished steps again: run their check and verify, and re-run the ones that drifted
   * (with dryRun: only report). Steps not finished yet run as in any install.
   */
  recheck?: boolean;
  policy?: Partial<RetryPolicy>;
}

type TaskEnd = StepStatus | 'not-run' | 'not-selected';

interface Task {
  step: PlannedStep;
  index: number;
  host: string;
  end: Deferred<TaskEnd>;
  /** Ended ok/changed/skipped only because the CloudStack API simulator answered it. */
  simulated?: boolean;
}

interface RunContext {
  tasks: Task[];
  journal: JournalDecisions;
  selected: (step: PlannedStep) => boolean;
  forced: string | undefined;
  probe: RepositoryProbe;
  slots: Semaphore;
}

export type RunSummary = Extract<ExecutorEvent, { type: 'summary' }>;

/** An api step stopped on request while it waited: not an end, it runs again on resume. */
interface Interrupted {
  status: 'interrupted';
  reason: string;
}

export { LOCAL_HOST } from './transports.ts';

export class Executor {
  private readonly options: ExecutorOptions;
  private readonly plan: Plan;
  private readonly paths: StatePaths;
  private readonly policy: RetryPolicy;
  private stopReason: 'failed' | 'interrupted' | undefined;
  private readonly abort = new AbortController();
  private readonly transports = new Map<string, Transport>();
  private readonly connected = new Set<string>();
  private readonly failures: FailureReport[] = [];
  private readonly blocked: { id: string; host: string; reason: string }[] = [];
  private simulatedSteps = 0;
  private readonly counts: Counts = { ok: 0, changed: 0, skipped: 0, failed: 0, blocked: 0 };
  private state: SiteState = { secrets: {}, captured: {} };
  private redactor = new Redactor(this.state);
  private journal: Journal | undefined;
  private runId = randomUUID().slice(0, 8);
  private readonly rechecker: Rechecker;

  constructor(options: ExecutorOptions) {
    this.options = options;
    this.plan = options.plan;
    this.paths = statePaths(options.plan.siteFile);
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
    this.rechecker = new Rechecker({
      logsDir: this.paths.logs,
      runId: this.runId,
      journal: () => this.journal,
      redactor: () => this.redactor,
    });
  }

  /** Ask the run to stop: running actions finish (or time out); `force` also cuts connections. */
  stop(force = false): void {
    this.stopReason ??= 'interrupted';
    if (force) {
      this.abort.abort();
      for (const t of this.transports.values()) void t.close();
    }
  }

  private emit(event: ExecutorEvent): void {
    this.options.onEvent?.(event);
  }

  async run(): Promise<RunSummary> {
    const started = Date.now();
    checkPlanOrder(this.plan);
    const selected = selectSteps(this.plan, this.options);
    const forced = forcedStep(this.options);
    ensureStateDir(this.paths);
    // A recheck, even a dry one, runs programs on the machines and records when it looked:
    // it must not race an install.
    const readOnly = this.options.dryRun && !this.options.recheck;
    const release = readOnly ? () => {} : acquireLock(this.paths.lock);
    try {
      this.state = this.options.dryRun
        ? readState(this.paths.state)
        : ensureSecrets(this.paths.state, this.plan.secrets);
      this.redactor = new Redactor(this.state);
      if (!readOnly) this.journal = new Journal(this.paths.journal);
      const journal = new JournalDecisions(readJournal(this.paths.journal), this.plan.secrets);
      const leftHosts = journal.leftHosts(this.plan);
      const tasks = this.plan.steps.flatMap((step, index) =>
        step.hosts.map((host) => ({ step, index, host, end: new Deferred<TaskEnd>() })),
      );
      this.emit({
        type: 'plan',
        site: this.plan.siteName,
        hosts: [...new Set(tasks.map((t) => t.host))],
        steps: this.plan.steps.map((s) => ({ id: s.id, title: s.title, on: s.on, hosts: s.hosts })),
        ...(leftHosts.length > 0 ? { leftHosts } : {}),
      });
      this.journal?.append({
        t: 'run-start',
        run: this.runId,
        at: new Date().toISOString(),
        pid: process.pid,
        steps: tasks.length,
      });

      const probe = new RepositoryProbe(this.plan, (host) => this.transport(host));
      const slots = new Semaphore(this.options.parallel ?? Number.MAX_SAFE_INTEGER);
      const byHost = new Map<string, Task[]>();
      for (const t of tasks) byHost.set(t.host, [...(byHost.get(t.host) ?? []), t]);

      const context: RunContext = { tasks, journal, selected, forced, probe, slots };
      // The state directory failing under us (a full disk, say) ends the whole run: every
      // other host stops too, so no connection outlives the error and keeps the process up.
      let fatal: { error: unknown } | undefined;
      const worker = async (queue: Task[]) => {
        for (const task of queue) {
          try {
            await this.runTask(task, context);
          } catch (error) {
            fatal ??= { error };
            this.stop(true);
            task.end.resolve('not-run');
          }
        }
      };
      await Promise.all([...byHost.values()].map((queue) => worker(queue)));
      if (fatal) throw fatal.error;

      const notRun = tasks.filter((t) => t.end.value === 'not-run').length;
      const result =
        this.counts.failed > 0
          ? 'failed'
          : this.stopReason === 'interrupted'
            ? 'interrupted'
            : 'completed';
      this.journal?.append({ t: 'run-end', run: this.runId, at: new Date().toISOString(), result });
      const summary: RunSummary = {
        type: 'summary',
        ...this.counts,
        counts: { ...this.counts },
        ms: Date.now() - started,
        notRun,
        result,
        failures: this.failures,
        blockedSteps: this.blocked,
        simulatedSteps: this.simulatedSteps,
        ...(this.options.recheck ? { recheck: { ...this.rechecker.counts } } : {}),
      };
      this.emit(summary);
      return summary;
    } finally {
      await Promise.all([...this.transports.values()].map((t) => t.close()));
      this.journal?.close();
      release();
    }
  }

  /** One step on one host: wait for what it depends on, then skip, block or run it. */
  private async runTask(task: Task, ctx: RunContext): Promise<void> {
    if (!ctx.selected(task.step)) return task.end.resolve('not-selected');
    const deps = this.dependencies(task, ctx.tasks);
    const depEnds = await Promise.all(deps.map((d) => d.end.promise));
    if (this.stopReason) return task.end.resolve('not-run');
    // Name the same host's instance of a required step first: that is the one the reader expects.
    const bads = deps.filter((_, i) => ['failed', 'blocked', 'not-run'].includes(depEnds[i]!));
    // A machine is never changed for real on the strength of what only the simulator said:
    // the simulator stands in for CloudStack in tests and the lab, not on a real server.
    if (task.host !== API_HOST) bads.push(...deps.filter((d) => d.simulated));
    const bad = bads.find((d) => d.host === task.host) ?? bads[0];
    const env = this.environment(task.host);
    const last = ctx.journal.last(task.step, task.host);
    const decision = ctx.journal.decide(task.step, task.host, env, task.step.id === ctx.forced);
    // A finished step is looked at again; so is one an earlier dry recheck found drifted (it
    // may have been mended by hand since).
    const recheck = !!this.options.recheck && (!decision.run || decision.reason.kind === 'drifted');

    if (this.options.dryRun && !recheck) {
      this.emit({
        type: 'dry-run',
        id: task.step.id,
        host: task.host,
        action: decision.run ? 'run' : 'skip',
        reason: describeReason(decision.reason, task.step),
      });
      return task.end.resolve('not-selected');
    }
    const releaseSlot = await ctx.slots.acquire();
    try {
      // A failure elsewhere may have come while this step waited for a slot.
      if (this.stopReason) return task.end.resolve('not-run');
      const begin = Date.now();
      if (this.options.dryRun) {
        const found = await this.recheck(task, env, decision.hash);
        if (found.failed?.failure) {
          this.counts.failed++;
          this.failures.push(found.failed.failure);
          this.stopReason = 'failed';
        }
        this.emit({
          type: 'dry-run',
          id: task.step.id,
          host: task.host,
          action: found.result === 'drifted' ? 'run' : 'skip',
          reason: found.reason,
          recheck: found.result,
          ms: Date.now() - begin,
        });
        return task.end.resolve('not-selected');
      }
      this.emit({ type: 'step-start', id: task.step.id, host: task.host, title: task.step.title });
      let outcome: StepOutcome;
      let found: Rechecked | undefined;
      if (bad) {
        const how = bad.simulated
          ? 'only the CloudStack API simulator answered'
          : bad.end.value === 'not-run'
            ? 'did not run'
            : `ended ${bad.end.value}`;
        outcome = {
          status: 'blocked',
          reason: `requires ${bad.step.id} on ${bad.host}, which ${how}`,
        };
      } else {
        if (recheck) found = await this.recheck(task, env, decision.hash);
        if (found?.failed) {
          outcome = found.failed;
        } else if (found?.result === 'drifted') {
          // Heal: the actions and verify again, without asking the check that just failed.
          const ran = await this.runJournaled(task, env, ctx.probe, decision, false);
          if (ran.status === 'interrupted') return this.interrupted(task, ran.reason);
          outcome = ran;
        } else if (!decision.run || found?.result === 'still-done') {
          // Done, or found drifted by a dry recheck and mended by hand since.
          outcome = { status: 'skipped', reason: found?.reason ?? 'done in an earlier run' };
          if (last?.simulated) task.simulated = true;
        } else {
          const ran = await this.runJournaled(task, env, ctx.probe, decision, decision.askCheck);
          if (ran.status === 'interrupted') return this.interrupted(task, ran.reason);
          outcome = ran;
        }
      }
      const healed = found?.result === 'drifted';
      const rechecked = found && !found.failed ? found : undefined;
      this.finish(task, outcome, decision, Date.now() - begin, decision.run || healed, rechecked);
    } finally {
      releaseSlot();
    }
  }

  private async runJournaled(
    task: Task,
    env: Record<string, string>,
    probe: RepositoryProbe,
    decision: TaskDecision,
    askCheck: boolean,
  ): Promise<StepOutcome | Interrupted> {
    this.journal!.append({
      t: 'step-start',
      run: this.runId,
      at: new Date().toISOString(),
      id: task.step.id,
      host: task.host,
      hash: decision.hash,
    });
    return this.execute(task, env, probe, askCheck);
  }

  /** `--recheck` of a finished step: its check and verify on its host, recorded in the journal. */
  private recheck(task: Task, env: Record<string, string>, hash: string): Promise<Rechecked> {
    return this.rechecker.check(task.step, task.host, hash, (log) =>
      this.stepRunInput(task, env, log),
    );
  }

  /** The tasks a task waits for: earlier steps on its host, `requires`, and for api steps every earlier host step. */
  private dependencies(task: Task, tasks: Task[]): Task[] {
    const required = new Set(task.step.requires);
    return tasks.filter(
      (t) =>
        t.index < task.index &&
        (required.has(t.step.id) || (task.host === API_HOST && t.host !== API_HOST)),
    );
  }

  private machine(host: string): Machine | undefined {
    return this.plan.machines.find((m) => m.name === host);
  }

  private environment(host: string): Record<string, string> {
    return stepEnvironment(this.plan, this.state, this.machine(host));
  }

  private transport(host: string): Transport {
    let t = this.transports.get(host);
    if (!t) {
      const machine = this.machine(host);
      if (!machine) throw new Error(`the plan has no machine named ${host}`);
      t = this.options.transportFor
        ? this.options.transportFor(machine, this.paths)
        : defaultTransport(machine, this.paths, this.options);
      this.transports.set(host, t);
    }
    return t;
  }

  private async execute(
    task: Task,
    env: Record<string, string>,
    probe: RepositoryProbe,
    askCheck: boolean,
  ): Promise<StepOutcome | Interrupted> {
    const { step, host } = task;
    const log = new StepLog(this.paths.logs, host, step.id);
    const url = docsUrl(step.url);
    log.write(
      `=== ${new Date().toISOString()} run ${this.runId}: ${step.id} (${step.title}) on ${host} ===`,
    );
    const failed = (message: string, command: string): StepOutcome => ({
      status: 'failed',
      reason: message,
      failure: { host, id: step.id, command, message, lastLines: [], log: log.path, url },
    });
    try {
      if (host === API_HOST) return await this.executeApi(task, log, failed);
      if (step.needs.length > 0) {
        const reachable = await probe.check(host, step.needs, log);
        if (reachable !== true) return { status: 'blocked', reason: reachable };
      }
      return await runStep({ ...(await this.stepRunInput(task, env, log)), askCheck });
    } catch (error) {
      const message = this.redactor.redact((error as Error).message);
      log.write(`(error: ${message})`);
      return failed(
        message,
        step.actions[0]?.kind === 'sh' ? step.actions[0].script : `step ${step.id}`,
      );
    } finally {
      log.close();
    }
  }

  /** What a step's programs need on a host, connecting to it first if this run has not yet. */
  private async stepRunInput(
    task: Task,
    env: Record<string, string>,
    log: StepLog,
  ): Promise<StepRunInput> {
    const { step, host } = task;
    const transport = this.transport(host);
    if (!this.connected.has(host)) {
      this.emit({ type: 'host', host, state: 'connecting' });
      await transport.connect();
      this.connected.add(host);
      this.emit({ type: 'host', host, state: 'connected' });
    }
    return {
      step,
      host,
      transport,
      env,
      log,
      redactor: this.redactor,
      url: docsUrl(step.url),
      policy: this.policy,
      lockName: `${safeName(this.plan.siteName)}.${safeName(host)}`,
      onOutput: (stream, line) =>
        this.emit({ type: 'step-output', id: step.id, host, stream, line }),
      onRetry: (attempt, delayMs, reason) =>
        this.emit({ type: 'step-retry', id: step.id, host, attempt, delayMs, reason }),
    };
  }

  private async executeApi(
    task: Task,
    log: StepLog,
    failed: (m: string, c: string) => StepOutcome,
  ): Promise<StepOutcome | Interrupted> {
    const runner = this.options.apiRunner;
    if (!runner) return { status: 'blocked', reason: NO_API_CLIENT };
    const command = task.step.actions.map((a) => (a.kind === 'api' ? a.text : a.kind)).join('\n');
    const result = await runner.runApiStep(task.step, {
      plan: this.plan,
      variables: this.environment(API_HOST),
      stateDir: this.paths.dir,
      log: (line) => log.write(this.redactor.redact(line)),
      signal: this.abort.signal,
      progress: (text, elapsedMs) =>
        this.emit({
          type: 'step-progress',
          id: task.step.id,
          host: task.host,
          text: this.redactor.redact(text),
          elapsedMs,
        }),
    });
    this.state = mergeCaptured(this.paths.state, this.state, result.captured);
    this.redactor.update(this.state);
    // Ctrl-C (twice) during a long wait: the run is interrupted, not failed.
    if (
      result.status === 'interrupted' ||
      (this.abort.signal.aborted && result.status === 'failed')
    )
      return {
        status: 'interrupted',
        reason: this.redactor.redact(result.message ?? 'stopped on request'),
      };
    const simulated = result.simulated ? { simulated: true } : {};
    if (result.status === 'failed')
      return {
        ...failed(this.redactor.redact(result.message ?? 'the API call failed'), command),
        ...simulated,
      };
    if (result.status === 'blocked')
      return {
        status: 'blocked',
        reason: result.message ?? 'blocked by the API client',
        ...simulated,
      };
    return { status: result.changed ? 'changed' : result.status, ...simulated };
  }

  /** No step-end in the journal (a resume runs the step again) and none counted. */
  private interrupted(task: Task, reason: string): void {
    const log = new StepLog(this.paths.logs, task.host, task.step.id);
    log.write(`(stopped on request: ${reason})`);
    log.close();
    this.stopReason ??= 'interrupted';
    task.end.resolve('not-run');
  }

  private finish(
    task: Task,
    outcome: StepOutcome,
    decision: TaskDecision,
    ms: number,
    journal: boolean,
    found?: Rechecked,
  ): void {
    const { step, host } = task;
    if (journal) {
      this.journal!.append({
        t: 'step-end',
        run: this.runId,
        at: new Date().toISOString(),
        id: step.id,
        host,
        hash: decision.hash,
        status: outcome.status,
        ms,
        reason: outcome.reason,
        exitCode: outcome.failure?.exitCode,
        ...(outcome.simulated ? { simulated: true } : {}),
        inputs: decision.inputs,
      });
    }
    this.counts[outcome.status]++;
    if (outcome.failure) this.failures.push(outcome.failure);
    if (outcome.status === 'blocked')
      this.blocked.push({ id: step.id, host, reason: outcome.reason ?? '' });
    if (outcome.status === 'failed') this.stopReason = 'failed';
    if (outcome.simulated) this.simulatedSteps++;
    if (outcome.simulated) task.simulated = true;
    this.emit({
      type: 'step-end',
      id: step.id,
      host,
      status: outcome.status,
      ms,
      reason: outcome.reason,
      failure: outcome.failure,
      ...(outcome.simulated ? { simulated: true } : {}),
      ...(found
        ? { recheck: found.result, ...(found.result === 'drifted' ? { drift: found.reason } : {}) }
        : {}),
    });
    task.end.resolve(outcome.status);
  }
}
