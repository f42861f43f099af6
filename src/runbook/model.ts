// The runbook as the engine sees it: chapters (pages) → steps (`:::step` directives) → actions
// (code blocks). Produced only by ./parse.ts: nothing else reads runbook pages for commands.

export const ROLES = ['management', 'kvm', 'all', 'api'] as const;
export type Role = (typeof ROLES)[number];

export interface SourceRef {
  /** Path relative to the runbook folder, e.g. `every-machine.mdx`. */
  file: string;
  line: number;
}

export interface ShAction {
  kind: 'sh';
  script: string;
  source: SourceRef;
}

export interface FileAction {
  kind: 'file';
  path: string;
  /** Content as written in the page: `${VAR}` is substituted by the plan. */
  content: string;
  mode?: string;
  owner?: string;
  source: SourceRef;
}

export interface ApiAction {
  kind: 'api';
  /** API name as CloudStack knows it, e.g. `createZone`. */
  command: string;
  /** Parameters as written; values may hold `${VAR}`. */
  params: Record<string, string>;
  /** The line as the reader sees it (`create zone name=${ZONE_NAME} ...`). */
  text: string;
  source: SourceRef;
}

export type Action = ShAction | FileAction | ApiAction;

export interface Step {
  id: string;
  title: string;
  on: Role;
  check?: string;
  verify?: string;
  /** api steps: variable name → JSON path in the (unwrapped) response of the step's last call. */
  capture: Record<string, string>;
  timeout?: number;
  retries?: number;
  requires: string[];
  /** Resources that may be unreachable, e.g. `cloudstack-repo`: the step ends `blocked` without them. */
  needs: string[];
  /** The reader's prose inside the step, as markdown (for exporters and the wizard). */
  prose: string;
  actions: Action[];
  source: SourceRef;
  chapter: string;
  /** Docs URL path of the step: `/<slug>/#<id>`. */
  url: string;
}

export interface Chapter {
  slug: string;
  title: string;
  description?: string;
  order: number;
  file: string;
  steps: Step[];
}

export interface Runbook {
  /** Absolute path of the folder the pages were read from. */
  dir: string;
  chapters: Chapter[];
}

export function allSteps(runbook: Runbook): Step[] {
  return runbook.chapters.flatMap((c) => c.steps);
}
