// The executor's ApiRunner (src/executor/api-runner.ts) backed by this client: endpoint from
// the plan, API keys in the state file's secrets (CLOUDSTACK_API_KEY/CLOUDSTACK_SECRET_KEY),
// ADMIN_PASSWORD from the step's variables.
import { join } from 'node:path';
import type { ApiRunner } from '../executor/api-runner.ts';
import { docsUrl } from '../executor/docs-url.ts';
import { runApiStep, type ApiStepContext } from './api-step.ts';
import type { CredentialStore } from './first-contact.ts';
import { stateFileCredentials } from './state-credentials.ts';

export interface ApiRunnerOptions {
  /** CA file for an https endpoint with a private CA (site: cloudstack.ca). */
  caFile?: string;
  /** Prefix of docs links in failure messages. */
  docsBaseUrl?: string;
  timing?: ApiStepContext['timing'];
}

export function createApiRunner(opts: ApiRunnerOptions = {}): ApiRunner {
  return {
    async runApiStep(step, ctx) {
      const file = stateFileCredentials(join(ctx.stateDir, 'state.json'));
      const credentials: CredentialStore = {
        apiKeys: file.apiKeys,
        saveApiKeys: file.saveApiKeys,
        secret: (name) => ctx.variables[name] ?? file.secret(name),
      };
      const result = await runApiStep(step, {
        endpoint: ctx.plan.apiEndpoint,
        caFile: opts.caFile,
        credentials,
        variables: ctx.variables,
        log: ctx.log,
        signal: ctx.signal,
        progress: ctx.progress,
        hostName: (address) =>
          ctx.plan.machines.find((m) => m.address === address)?.name ?? address,
        // the published docs site (RUNBOOK_DOCS_URL for forks), as the executor links failures
        docsBaseUrl: opts.docsBaseUrl ?? docsUrl('/').replace(/\/$/, ''),
        secretNames: ctx.plan.secrets,
        timing: opts.timing,
      });
      const message =
        result.message && result.simulated ? `[simulated] ${result.message}` : result.message;
      return {
        status: result.status,
        changed: result.status === 'changed',
        captured: result.captured,
        ...(message ? { message } : {}),
        ...(result.simulated ? { simulated: true } : {}),
      };
    },
  };
}
