// How long CloudStack may take to answer each API, from what upstream does inside the request
// (apache/cloudstack 4.22; the reference chapter cites each figure). A synchronous call
// (its command extends BaseCmd) is worked on in the HTTP request itself, so the client must
// wait as long as upstream may work; an asynchronous one answers at once with a job id.

export interface ApiTiming {
  /** Longest time one request may stay open before the client stops waiting for it. */
  requestTimeoutMs: number;
  /** What CloudStack is doing while the request is open (progress text, no secrets). */
  waitingFor: (params: Record<string, string>, hostName: (address: string) => string) => string;
  /** Upstream's reason for the figure, in one line (plan, docs, reference chapter). */
  why: string;
}

/** Quick synchronous calls (database work): the client's long-standing default. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

const MINUTE = 60_000;

/** `http://172.16.10.3` → `172.16.10.3` (addHost names the host by URL). */
export function hostOfUrl(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url.replace(/^[a-z]+:\/\//i, '').split(/[/:]/)[0]!;
  }
}

const imageStore: ApiTiming = {
  // StorageManagerImpl.discoverImageStore → registerSystemVmTemplateOnFirstNfsStore: on the
  // zone's first NFS store, SystemVmTemplateRegistration mounts it and runs setup-sysvm-tmplt
  // (SCRIPT_TIMEOUT = 1800000 ms) to unpack the bundled template, all before answering.
  requestTimeoutMs: 35 * MINUTE,
  waitingFor: (p) =>
    `CloudStack is copying the system VM template to ${p.url ?? 'the new secondary storage'}`,
  why: 'the first secondary storage of a zone gets the system VM template copied and unpacked inside the request (up to 30 min)',
};

export const API_TIMING: Record<string, ApiTiming> = {
  addHost: {
    // LibvirtServerDiscoverer.find: SSH connect (60 s connect and key-exchange timeouts), the
    // agent's keystore and certificate, cloudstack-setup-agent (each SSH command may sit 120 s
    // without output and is tried up to 3 times: SSHCmdHelper.sshExecuteCmd), then
    // waitForHostConnect polls every 30 s, 10 times (_waitTime = 5 minutes).
    requestTimeoutMs: 15 * MINUTE,
    waitingFor: (p, name) => {
      const address = hostOfUrl(p.url ?? '');
      const named = name(address);
      return `waiting for the KVM agent on ${named === address ? address : `${named} (${address})`} to connect`;
    },
    why: 'the management server sets the agent up over SSH, then waits up to 5 min for it to connect',
  },
  addImageStore: imageStore,
  addSecondaryStorage: imageStore,
  createStoragePool: {
    // StorageManagerImpl.createPool → CloudStackPrimaryDataStoreLifeCycleImpl.attachCluster:
    // CreateStoragePoolCommand on one host, then connectHostToSharedPool on every Up host of
    // the cluster; each agent command may take AgentManager.Wait (`wait`, 1800 s).
    requestTimeoutMs: 35 * MINUTE,
    waitingFor: (p) => `the hosts of the cluster are mounting ${p.url ?? 'the storage'}`,
    why: 'every host of the cluster mounts the storage before CloudStack answers (each host command up to 30 min)',
  },
};

/** The request timeout of an API, scaled (tests run upstream's timing faster). */
export function requestTimeoutMs(api: string, scale = 1): number {
  return Math.round((API_TIMING[api]?.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) * scale);
}

/** APIs that only read: sent again freely after a failure. Everything else is sent once. */
export function isReadOnly(api: string): boolean {
  return /^(list|get|query)/.test(api);
}

/** `15 min`, `90 s`: a duration for people. */
export function describeDuration(ms: number): string {
  if (ms >= MINUTE && ms % MINUTE === 0) return `${ms / MINUTE} min`;
  if (ms >= MINUTE) return `${Math.floor(ms / MINUTE)} min ${Math.round((ms % MINUTE) / 1000)} s`;
  return `${Math.round(ms / 1000)} s`;
}

/** `2m10s`, `12s`: time waited so far, as progress lines show it. */
export function describeElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/**
 * The long waits among cmk calls written as words (`add host ...`): for the step card and the
 * plan. Matches the API names of the table case-insensitively, as CloudMonkey does.
 */
export function longWaits(calls: string[]): { api: string; timeoutMs: number; why: string }[] {
  const found = new Map<string, { api: string; timeoutMs: number; why: string }>();
  for (const call of calls) {
    const words = call.trim().split(/\s+/);
    const joined = `${words[0] ?? ''}${words[1] ?? ''}`.toLowerCase();
    const api = Object.keys(API_TIMING).find(
      (name) =>
        name.toLowerCase() === joined || name.toLowerCase() === (words[0] ?? '').toLowerCase(),
    );
    if (api && !found.has(api))
      found.set(api, {
        api,
        timeoutMs: API_TIMING[api]!.requestTimeoutMs,
        why: API_TIMING[api]!.why,
      });
  }
  return [...found.values()];
}
