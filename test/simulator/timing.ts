// How long the simulated management server takes, after upstream (apache/cloudstack 4.22;
// the reference chapter cites each figure). Full length is what a real install waits for;
// tests run it scaled down by a factor, so they wait in the same proportions, only shorter.

export interface Delays {
  /**
   * Any synchronous call that is database work (createZone, createPod, ...): ApiServer
   * dispatches a BaseCmd in the request thread and answers when it returns.
   */
  quickMs: number;
  /**
   * An async job's run time: ApiServer.queueCommand answers a BaseAsyncCmd with a job id at
   * once; AsyncJobManagerImpl runs the job, which for the zone's network calls takes seconds.
   */
  jobMs: number;
  /**
   * addHost before the wait for the agent: LibvirtServerDiscoverer.find connects over SSH,
   * sets up the agent's keystore and certificate (setupAgentSecurity) and runs
   * cloudstack-setup-agent.
   */
  hostSetupMs: number;
  /**
   * From the end of that setup until the agent has connected and reports Up (the host is
   * listed, Connecting, from halfway through).
   */
  hostUpMs: number;
  /** LibvirtServerDiscoverer.waitForHostConnect: one look every 30 s ... */
  hostPollMs: number;
  /** ... ten times (_waitTime = 5 minutes), then the host counts as failed. */
  hostPolls: number;
  /**
   * addImageStore on a zone's first NFS store: StorageManagerImpl.discoverImageStore →
   * registerSystemVmTemplateOnFirstNfsStore copies and unpacks the bundled system VM template
   * (setup-sysvm-tmplt, allowed 30 min) before answering.
   */
  templateCopyMs: number;
  /**
   * createStoragePool, per Up host of the cluster: CloudStackPrimaryDataStoreLifeCycleImpl
   * .attachCluster sends CreateStoragePoolCommand / ModifyStoragePoolCommand (an NFS mount).
   */
  poolMountPerHostMs: number;
  /** From the zone being ready until the system VMs are Running (clock-driven, not a call). */
  systemVmStartMs: number;
  /** From a system VM Running until its agent reports Up. */
  agentUpMs: number;
}

/**
 * Upstream's worst case the issue names: addHost answers after 5 minutes (setup 30 s, the
 * agent Up after 270 s, seen at the 10th look), addImageStore after 10.
 */
export const UPSTREAM_TIMING: Delays = {
  quickMs: 200,
  jobMs: 3000,
  hostSetupMs: 30_000,
  hostUpMs: 270_000,
  hostPollMs: 30_000,
  hostPolls: 10,
  templateCopyMs: 600_000,
  poolMountPerHostMs: 15_000,
  systemVmStartMs: 180_000,
  agentUpMs: 60_000,
};

/** `npm test`: addHost 0.6 s, addImageStore 1.2 s, in upstream's proportions. */
export const TEST_SCALE = 0.002;

/** Upstream's timing times `factor` (the number of looks stays the same). */
export function scaledTiming(factor: number, base: Delays = UPSTREAM_TIMING): Delays {
  const scaled = { ...base };
  for (const key of Object.keys(base) as (keyof Delays)[]) {
    if (key !== 'hostPolls') scaled[key] = Math.max(1, Math.round(base[key] * factor));
  }
  return scaled;
}

/** When addHost answers, for a host whose agent comes Up: setup, then the first look that sees it. */
export function addHostAnswerMs(d: Delays): number {
  return (
    d.hostSetupMs + Math.min(d.hostPolls - 1, Math.ceil(d.hostUpMs / d.hostPollMs)) * d.hostPollMs
  );
}
