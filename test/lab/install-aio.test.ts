// The bundled runbook end to end on an all-in-one lab (one machine: management server, KVM host, NFS); see install-layout.ts.
import { describe, it } from 'vitest';
import { describeLayoutInstall, layoutSelected } from './install-layout.ts';

if (layoutSelected('aio')) describeLayoutInstall('aio');
else
  describe('aio lab', () => {
    it.skip('not selected by RUNBOOK_LAB_LAYOUTS', () => {});
  });
