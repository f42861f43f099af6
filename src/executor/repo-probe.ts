// Whether a host can reach the outside hosts steps fetch from (`needs="cloudstack-repo"`, see
// src/runbook/needs.ts), asked once per host and need per run. Steps that need an unreachable
// one end blocked with the answer.
import type { Plan } from '../plan/model.ts';
import { NEEDS, probeUrls } from '../runbook/needs.ts';
import type { StepLog } from '../state/logs.ts';
import type { Transport } from '../transport/types.ts';
import { PROBE_URL_SCRIPT } from './remote-scripts.ts';

export class RepositoryProbe {
  private readonly answers = new Map<string, Promise<true | string>>();
  private readonly plan: Plan;
  private readonly transportFor: (host: string) => Transport;

  constructor(plan: Plan, transportFor: (host: string) => Transport) {
    this.plan = plan;
    this.transportFor = transportFor;
  }

  /** true when every need is reachable from `host`; otherwise the first reason, naming host and URL. */
  async check(host: string, needs: string[], log: StepLog): Promise<true | string> {
    for (const need of needs) {
      const key = `${need}@${host}`;
      let answer = this.answers.get(key);
      if (!answer) {
        answer = this.probe(host, need, log);
        this.answers.set(key, answer);
      }
      const result = await answer;
      if (result !== true) return result;
    }
    return true;
  }

  private async probe(host: string, need: string, log: StepLog): Promise<true | string> {
    const spec = NEEDS[need];
    if (!spec) return `the installer cannot probe "${need}"`;
    const urls = probeUrls(need, this.plan.variables);
    if (urls.length === 0)
      return `the site names no address for ${spec.what} (${spec.variable ?? need} is empty)`;
    const transport = this.transportFor(host);
    await transport.connect();
    for (const url of urls) {
      const output: string[] = [];
      log.write(`$ probe ${spec.what}: ${url}`);
      const result = await transport.exec({
        script: PROBE_URL_SCRIPT,
        env: { RB_PROBE_URL: url },
        timeoutSeconds: 30,
        onLine: (_stream, line) => {
          output.push(line);
          log.write(line);
        },
      });
      if (result.exitCode !== 0) {
        const why = output.filter((l) => l.trim()).at(-1) ?? `exit status ${result.exitCode}`;
        return `${spec.what} (${url}) is unreachable from ${host} (${why.trim()})`;
      }
    }
    return true;
  }
}
