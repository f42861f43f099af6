// The versions shown in the header: the CloudStack release and this runbook's own version, in
// the page's language (runbook.release.* in content/i18n/en.json).
import { fillLabel } from './placeholders.ts';

declare const __RUNBOOK_VERSION__: string;
declare const __CLOUDSTACK_VERSION__: string;

export function releaseLabel(t: (key: string) => string): { short: string; long: string } {
  const values = { cloudstack: __CLOUDSTACK_VERSION__, runbook: __RUNBOOK_VERSION__ };
  return {
    short: fillLabel(t('runbook.release.short'), values),
    long: fillLabel(t('runbook.release.long'), values),
  };
}
