// A serial console (the ISO's ttyS0, IPMI Serial-over-LAN) reports a size of 0x0. The wizard
// must lay its screens out for 80x24 there, not at width 0, where the title and the step
// counter on its right ran together ("SiteStep 2 of 7").
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sizeSizelessTerminal } from '../../installer/wizard/sizeless-terminal.ts';
import { FIXTURE_RUNBOOK } from './harness.ts';
import { Terminal, killTmuxServer } from './terminal.ts';

const SOCKET = `rb-sizeless-${process.pid}`;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE = join(ROOT, 'node_modules/.bin/node');
afterAll(() => killTmuxServer(SOCKET));

describe('a terminal that reports no size (a serial line)', () => {
  it('the wizard draws for 80 columns: the title and "Step 2 of 7" keep apart', async () => {
    const wizard = `${NODE} installer/bin/runbook.js --site site.yaml --runbook ${FIXTURE_RUNBOOK}`;
    // `stty size` after the wizard ends says what the wizard left the line at.
    const command = `cd ${ROOT} && stty rows 0 cols 0 && env -u CI -u CONTINUOUS_INTEGRATION ${wizard}; echo "SIZE=$(stty size)"; sleep 600`;
    const term = new Terminal(SOCKET, 'serial', '', { command });
    try {
      await term.waitFor('How do you want to go on?');
      term.keys('Enter');
      const screen = await term.waitFor('Site file:');
      expect(screen.split('\n')[0]).toMatch(/^CloudStack Runbook · Site {2,}Step 2 of 7$/);
      term.keys('C-c');
      // The kernel's size too, so what the installer starts (an editor, less) sees 80x24.
      expect(await term.waitFor(/SIZE=\d+ \d+/)).toContain('SIZE=24 80');
    } finally {
      term.kill();
    }
  });

  it('a terminal with a size keeps it; a pipe is left alone', () => {
    const sized = { isTTY: true, columns: 132, rows: 50, fd: 99 } as unknown as NodeJS.WriteStream;
    expect(sizeSizelessTerminal(sized)).toBe(false);
    expect([sized.columns, sized.rows]).toEqual([132, 50]);
    const pipe = { isTTY: false, fd: 99 } as unknown as NodeJS.WriteStream;
    expect(sizeSizelessTerminal(pipe)).toBe(false);
    expect(pipe.columns).toBeUndefined();
  });
});
