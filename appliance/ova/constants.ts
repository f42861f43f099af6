// The appliance's fixed facts, shared by the build and its tests.
export const OVA_NAME = 'cloudstack-runbook-aio';
export const OVA_HARDWARE = {
  cpus: 4,
  memoryMb: 8192,
  virtualSize: '64G',
  natNetwork: 'CloudStackRunbook',
} as const;
