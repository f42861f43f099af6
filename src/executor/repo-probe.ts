// Whether a host can reach the CloudStack package repository, asked once per host per run.
// Steps that need it (`needs: cloudstack-repo`) end blocked with the answer when it cannot.
import type { Plan } from '../plan/model.ts';
import type { StepLog } from '../state/logs.ts';
import type { Transport } from '../transport/types.ts';
import { PROBE_REPOSITORY_SCRIPT } from './remote-scripts.ts';

export class RepositoryProbe {
  private readonly answers = new Map<string, Promise<true | string>>();
  private readonly plan: Plan;
  private readonly transportFor: (host: string) => Transport;

  constructor(plan: Plan, transportFor: (host: string) => Transport) {
    this.plan = plan;
    this.transportFor = transportFor;
  }

  /** true when reachable; otherwise the reason, in one sentence naming the host and URL. */
  check(host: string, env: Record<string, string>, log: StepLog): Promise<true | string> {
    let answer = this.answers.get(host);
    if (!answer) {
      answer = this.probe(host, env, log);
      this.answers.set(host, answer);
    }
    return answer;
  }

  private async probe(
    host: string,
    env: Record<string, string>,
    log: StepLog,
  ): Promise<true | string> {
    const repo = this.plan.variables.CLOUDSTACK_REPOSITORY;
    if (!repo) return 'the site names no CloudStack repository (CLOUDSTACK_REPOSITORY is empty)';
    const transport = this.transportFor(host);
    await transport.connect();
    const output: string[] = [];
    log.write(`$ probe the CloudStack repository ${repo}`);
    const result = await transport.exec({
      script: PROBE_REPOSITORY_SCRIPT,
      env,
      timeoutSeconds: 30,
      onLine: (_stream, line) => {
        output.push(line);
        log.write(line);
      },
    });
    if (result.exitCode === 0) return true;
    const why = output.filter((l) => l.trim()).slice(-1)[0] ?? `exit status ${result.exitCode}`;
    return `the CloudStack repository ${repo} is unreachable from ${host} (${why.trim()})`;
  }
}
