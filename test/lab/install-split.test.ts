// The bundled runbook end to end on a management server and one KVM host (with the injected bridge fault); see install-layout.ts.
import { describe, it } from 'vitest';
import { describeLayoutInstall, layoutSelected } from './install-layout.ts';

if (layoutSelected('split')) describeLayoutInstall('split');
else
  describe('split lab', () => {
    it.skip('not selected by RUNBOOK_LAB_LAYOUTS', () => {});
  });
