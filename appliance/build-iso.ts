// `npm run appliance:iso` (node appliance/build-iso.ts [--out DIR] [--name NAME]
// [--cloudstack-repository URL] [--runbook DIR]): the installer ISO. A live Debian 12 whose
// machine installer (installer/machine-install/) puts a system prepared here onto a blank disk,
// offline, interactively or from an answer file (`runbook iso` bakes one in). Stages, cached
// under appliance/.cache/ by the hash of their inputs:
//   iso-system     the prepared system: mmdebstrap → 10-system.squashfs (also the live root)
//   iso-live       live-boot and partitioning tools on top (20-live.squashfs), live initramfs,
//                  GRUB's BIOS image and Debian's signed shim + GRUB, from the prepared system
//   iso-repo       the local APT repository: every package the runbook installs, signed
//   iso-installer  this project's installer and Node (30-installer.squashfs)
// then xorriso writes the hybrid BIOS + UEFI image, its package manifest, sums and report.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { argv } from 'zx';
import { outDir as defaultOutDir, repoRoot, cacheDir } from './lib/paths.ts';
import { describeFiles, humanBytes, writeSums } from './lib/report.ts';
import { ensureTools, requireRoot } from './lib/tools.ts';
import { writeIso } from './iso/assemble.ts';
import { plainMenu } from '../installer/machine-install/boot-menu.ts';
import { buildInstallerLayer } from './iso/installer-layer.ts';
import { buildLiveLayer } from './iso/live-layer.ts';
import { buildLocalRepo, probeCloudStackRepository } from './iso/local-repo.ts';
import { packageManifest } from './iso/manifest.ts';
import { buildSystemImage } from './iso/system-image.ts';
import { ISO_MARKER, LIVE_DIR, REPO_ON_ISO } from '../installer/machine-install/live-paths.ts';

export const ISO_NAME = 'cloudstack-runbook-installer';
const DEFAULT_CLOUDSTACK_REPOSITORY = 'https://download.cloudstack.org/debian';
const log = (line: string) =>
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] appliance:iso: ${line}\n`);

async function main(): Promise<void> {
  requireRoot('building the ISO');
  await ensureTools(
    {
      mmdebstrap: 'mmdebstrap',
      mksquashfs: 'squashfs-tools',
      xorriso: 'xorriso',
      mcopy: 'mtools',
      'mkfs.vfat': 'dosfstools',
      'apt-ftparchive': 'apt-utils',
      gpg: 'gnupg',
      curl: 'curl',
    },
    log,
  );
  const started = Date.now();
  const out = path.resolve(String(argv.out ?? defaultOutDir));
  const name = String(argv.name ?? ISO_NAME);
  const cloudstackRepository = String(
    argv['cloudstack-repository'] ?? DEFAULT_CLOUDSTACK_REPOSITORY,
  );
  const runbookDir = argv.runbook ? path.resolve(String(argv.runbook)) : undefined;

  const system = await buildSystemImage(log);
  const live = await buildLiveLayer(system, log);
  const cloudstackReachable = await probeCloudStackRepository(cloudstackRepository);
  log(
    `CloudStack's repository ${cloudstackRepository}: ${cloudstackReachable ? 'answers; its packages go in' : 'does not answer from here; its packages stay out'}`,
  );
  const repo = await buildLocalRepo(
    system,
    { cloudstackRepository, cloudstackReachable, ...(runbookDir ? { runbookDir } : {}) },
    log,
  );
  const installer = await buildInstallerLayer(log);

  const built = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const identity = `${name} ${built} ${randomBytes(4).toString('hex')}`;
  const manifestText = packageManifest({ name, built, system: system.data, repo: repo.data });
  mkdirSync(out, { recursive: true });
  const iso = path.join(out, `${name}.iso`);
  const manifest = path.join(out, `${name}.packages.txt`);
  writeFileSync(manifest, manifestText);
  const work = path.join(cacheDir, `.work-iso-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    log(
      'xorriso: hybrid ISO (GRUB for BIOS with a hybrid MBR, signed shim + GRUB on an ESP for UEFI)',
    );
    await writeIso(
      {
        grafts: {
          [`${LIVE_DIR}/vmlinuz`]: path.join(live.dir, live.data.kernel),
          [`${LIVE_DIR}/initrd.img`]: path.join(live.dir, live.data.initrd),
          [`${LIVE_DIR}/${system.data.squashfs}`]: path.join(system.dir, system.data.squashfs),
          [`${LIVE_DIR}/${live.data.squashfs}`]: path.join(live.dir, live.data.squashfs),
          [`${LIVE_DIR}/${installer.data.squashfs}`]: path.join(
            installer.dir,
            installer.data.squashfs,
          ),
          [REPO_ON_ISO]: path.join(repo.dir, repo.data.dir),
        },
        boot: path.join(live.dir, live.data.boot),
        menu: plainMenu(),
        texts: {
          [ISO_MARKER]: `${identity}\n`,
          '.disk/info': `CloudStack Runbook installer (Debian 12 bookworm amd64) ${built.slice(0, 10)}\n`,
          'cloudstack-runbook/packages.txt': manifestText,
        },
      },
      work,
      iso,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const files = await describeFiles([iso, manifest]);
  writeSums(out, files);
  const stages = Object.fromEntries(
    Object.entries({ system, live, repo, installer }).map(([k, s]) => [
      k,
      { key: s.key, cached: s.cached, seconds: Math.round(s.seconds) },
    ]),
  );
  const report = {
    image: name,
    identity,
    built,
    seconds: Math.round((Date.now() - started) / 1000),
    stages,
    kernel: system.data.kernel,
    systemPackages: system.data.packages.length,
    repository: {
      packages: repo.data.packages.length,
      bytes: repo.data.packages.reduce((sum, p) => sum + p.bytes, 0),
      signedBy: repo.data.fingerprint,
      groups: repo.data.groups,
      outside: repo.data.outside,
    },
    cloudstackRepository: { url: cloudstackRepository, reachable: cloudstackReachable },
    node: process.versions.node,
    files,
  };
  writeFileSync(path.join(out, `${name}.build.json`), JSON.stringify(report, null, 2) + '\n');
  for (const o of repo.data.outside)
    log(`not on the ISO: ${o.packages.join(', ')} (${o.need}): ${o.reason}`);
  for (const f of files) log(`${f.name}: ${humanBytes(f.bytes)} sha256 ${f.sha256}`);
  log(`done in ${report.seconds} s: ${path.relative(repoRoot, iso) || iso}`);
}

main().catch((error: unknown) => {
  log(`failed: ${error instanceof Error ? error.message : String(error)}`);
  if (process.env.RUNBOOK_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
