// The installer's layer (30-installer.squashfs), the top of the live system: this project's
// installer with its Node runtime in /opt/cloudstack-runbook (appliance/lib/bundle.ts), and the
// units that start the machine installer on the console. The machine installer copies the
// bundle (not the units) onto every machine it installs. Rebuilt whenever a source changes;
// the layers below are not.
import { chmodSync, copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { bundleInputFiles, writeBundle } from '../lib/bundle.ts';
import { makeSquashfs } from '../lib/chroot.ts';
import { stage } from '../lib/stages.ts';
import type { StageResult } from '../lib/stages.ts';
import { INSTALLER_SQUASHFS } from '../../installer/machine-install/live-paths.ts';

const LIVE_FILES = path.join(import.meta.dirname, 'live');
/** File in appliance/iso/live → where the live system has it, and its mode. */
const PLACES: Record<string, [string, number]> = {
  'cloudstack-runbook-installer-generator': [
    'etc/systemd/system-generators/cloudstack-runbook-installer-generator',
    0o755,
  ],
  'cloudstack-runbook-installer@.service': [
    'etc/systemd/system/cloudstack-runbook-installer@.service',
    0o644,
  ],
  'autologin.conf': ['etc/systemd/system/getty@tty2.service.d/autologin.conf', 0o644],
};

export function buildInstallerLayer(
  log: (line: string) => void,
): Promise<StageResult<{ squashfs: string; files: number }>> {
  return stage(
    'iso-installer',
    { files: [...bundleInputFiles(), LIVE_FILES] },
    async (work) => {
      const root = path.join(work, 'root');
      log('installer: the bundle (sources, runtime dependencies, Node) and the live units');
      const { files } = await writeBundle(root);
      for (const [file, [place, mode]] of Object.entries(PLACES)) {
        const to = path.join(root, place);
        mkdirSync(path.dirname(to), { recursive: true });
        copyFileSync(path.join(LIVE_FILES, file), to);
        chmodSync(to, mode);
      }
      await makeSquashfs(root, path.join(work, INSTALLER_SQUASHFS));
      rmSync(root, { recursive: true, force: true });
      return { squashfs: INSTALLER_SQUASHFS, files };
    },
    log,
  );
}
