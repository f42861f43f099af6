// The versions shown in the header: the CloudStack release and this runbook's own version.
declare const __RUNBOOK_VERSION__: string;
declare const __CLOUDSTACK_VERSION__: string;

export function releaseLabel(): { short: string; long: string } {
  return {
    short: `CloudStack ${__CLOUDSTACK_VERSION__} · runbook ${__RUNBOOK_VERSION__}`,
    long: `Documents Apache CloudStack ${__CLOUDSTACK_VERSION__} (LTS); runbook version ${__RUNBOOK_VERSION__}`,
  };
}
