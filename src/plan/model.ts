// The plan: the runbook applied to one site. Everything the executor, the exporters and the
// wizard need, with no further reading of pages or site files.
import type { Action, Role, SourceRef } from '../runbook/model.ts';

export type MachineRole = 'management' | 'kvm' | 'all-in-one';

export interface SshTarget {
  /** Where the installer connects; defaults to the machine's cloud address. */
  host: string;
  port: number;
  user: string;
  /** Private key file (already expanded, absolute); absent means ssh-agent. */
  identity?: string;
  /** Ask for a password instead of using keys (only when the site says so). */
  password?: boolean;
}

export interface Machine {
  /** Host name, unique in the site; used as the host key in journal, logs and events. */
  name: string;
  /** The address CloudStack uses (HOST_IP). */
  address: string;
  role: MachineRole;
  ssh: SshTarget;
}

/** The pseudo-host that api steps run on: the installer's own CloudStack client. */
export const API_HOST = 'api';

export interface PlannedStep {
  id: string;
  title: string;
  on: Role;
  /** Machine names this step runs on, or [API_HOST] for api steps. */
  hosts: string[];
  chapter: string;
  source: SourceRef;
  url: string;
  check?: string;
  verify?: string;
  capture: Record<string, string>;
  timeout: number;
  retries: number;
  requires: string[];
  /** Resources the step needs that may be unreachable (e.g. `cloudstack-repo`); see executor. */
  needs: string[];
  /**
   * The page's actions, `${NAME}` left as written (the executor fills them once, at run time);
   * api lines about each KVM host are already one per host.
   */
  actions: Action[];
}

export interface Plan {
  siteName: string;
  /** Absolute path of the site file; state lives in `.runbook/` beside it. */
  siteFile: string;
  runbookDir: string;
  machines: Machine[];
  /** Non-secret variables every step sees in its environment. */
  variables: Record<string, string>;
  /** Names of secret variables (generated once, kept in the state file). */
  secrets: string[];
  steps: PlannedStep[];
  /** The CloudStack API endpoint the api steps talk to. */
  apiEndpoint: string;
}

export const DEFAULT_STEP_TIMEOUT_SECONDS = 1800;
