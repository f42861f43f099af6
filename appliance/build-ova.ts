// `npm run appliance:ova` (node appliance/build-ova.ts [--rebuild]): the all-in-one VirtualBox
// appliance and its qcow2 twin, in appliance/out/. Stages (cached under appliance/.cache/):
//   base        the lab's Debian 12 image (mmdebstrap; appliance/lab/, shared with `runbook lab`)
//   provision   booted as an all-in-one lab machine, `runbook install` run against it over SSH
//   disk        made bootable and turned into the appliance (chroot on this machine)
//   export      qcow2 + streamOptimized VMDK + OVF 1.0 + OVA, manifest, sums, report
// Needs root (namespaces, loop devices); Debian tools it lacks are installed with apt-get.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { argv } from 'zx';
import { ensureBaseImage } from '../src/lab/image.ts';
import type { BaseImage } from '../src/lab/image.ts';
import { labLayout } from '../src/lab/layout.ts';
import { bundleInputFiles } from './lib/bundle.ts';
import { applianceDir, cacheDir, outDir, repoRoot } from './lib/paths.ts';
import { describeFiles, humanBytes, parsePackageList, writeSums } from './lib/report.ts';
import { stage } from './lib/stages.ts';
import { ensureTools, requireRoot } from './lib/tools.ts';
import { OVA_HARDWARE, OVA_NAME } from './ova/constants.ts';
import { buildApplianceDisk } from './ova/disk.ts';
import { toStreamOptimizedVmdk, writeOva } from './ova/export.ts';
import { provisionAllInOne } from './ova/provision.ts';
import type { ProvisionResult } from './ova/provision.ts';
import { validateOva } from './ova/validate.ts';

const BUILD_VM_MEMORY_MB = 4096;
const OVA_GUEST_FILES = [
  'appliance-firstboot',
  'appliance-firstboot.service',
  'appliance-ready.service',
  'cloudstack-runbook-issue',
  'cloudstack-runbook-issue.service',
];
const log = (line: string) =>
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] appliance:ova: ${line}\n`);
const rel = (file: string) => path.relative(repoRoot, file);

function pinnedBase(dir: string): BaseImage {
  const abs = path.resolve(dir);
  for (const file of ['base.qcow2', 'vmlinuz', 'initrd.img', 'manifest.json']) {
    if (!existsSync(path.join(abs, file)))
      throw new Error(
        `--base ${dir}: ${file} is missing; name a directory the lab's build-base-image.mjs made (base-<key>)`,
      );
  }
  return {
    dir: abs,
    disk: path.join(abs, 'base.qcow2'),
    kernel: path.join(abs, 'vmlinuz'),
    initrd: path.join(abs, 'initrd.img'),
    cached: true,
    seconds: 0,
  };
}

async function main(): Promise<void> {
  requireRoot('building the appliance');
  await ensureTools(
    {
      'qemu-system-x86_64': 'qemu-system-x86',
      'qemu-img': 'qemu-utils',
      mmdebstrap: 'mmdebstrap',
      sfdisk: 'fdisk',
      resize2fs: 'e2fsprogs',
      xmllint: 'libxml2-utils',
      debugfs: 'e2fsprogs',
      losetup: 'mount',
    },
    log,
  );
  const started = Date.now();
  const packageJson = (await import('../package.json', { with: { type: 'json' } })).default as {
    version: string;
  };
  if (argv.rebuild)
    for (const entry of readdirSync(cacheDir, { withFileTypes: true }))
      if (/^(provision|disk|export)-/.test(entry.name))
        rmSync(path.join(cacheDir, entry.name), { recursive: true, force: true });

  const labDir = path.join(cacheDir, 'lab-build');
  // --base DIR (or RUNBOOK_APPLIANCE_BASE) pins an already built lab base image, e.g. to rebuild
  // an appliance from the same base after appliance/lab/ has moved on.
  const pinned = argv.base ?? process.env.RUNBOOK_APPLIANCE_BASE;
  const base = pinned
    ? pinnedBase(String(pinned))
    : await ensureBaseImage(labLayout(labDir).cacheDir, path.join(cacheDir, 'base-image.log'));
  log(
    `base: ${pinned ? 'pinned' : base.cached ? 'cached' : `built in ${Math.round(base.seconds)} s`} (${base.dir})`,
  );

  // The provisioned machine depends on the runbook (its pages), the base image and the lock file;
  // the installer's own code goes into the image fresh in the next stage.
  // --runbook DIR: provision with a fork of the runbook (as `runbook install --runbook DIR`).
  const runbookDir = argv.runbook ? path.resolve(String(argv.runbook)) : undefined;
  if (runbookDir) log(`runbook: ${runbookDir} instead of the bundled one`);
  const pages = runbookDir ?? path.join(repoRoot, 'docs', 'src', 'content', 'docs');
  const provision = await stage<ProvisionResult>(
    'provision',
    {
      files: [
        ...readdirSync(pages)
          .filter((f) => f.endsWith('.mdx') && f !== 'appliance.mdx')
          .map((f) => path.join(pages, f)),
        path.join(applianceDir, 'ova', 'provision.ts'),
        path.join(repoRoot, 'package-lock.json'),
      ],
      values: {
        base: path.basename(base.dir),
        memory: BUILD_VM_MEMORY_MB,
        forkedRunbook: Boolean(runbookDir),
      },
    },
    async (work) => {
      if (pinned) {
        // labUp boots the lab's current base image; provisioning anew must start from that one.
        const current = await ensureBaseImage(
          labLayout(labDir).cacheDir,
          path.join(cacheDir, 'base-image.log'),
        );
        if (current.dir !== base.dir)
          throw new Error(
            `--base ${base.dir} is not the lab's current base image (${current.dir}): a pinned base only reuses a finished provision stage`,
          );
      }
      const result = await provisionAllInOne({
        labDir,
        runbook: runbookDir,
        outDir: work,
        memoryMb: BUILD_VM_MEMORY_MB,
        log,
        finish: async () => {},
      });
      return {
        ...result,
        disk: path.basename(result.disk),
        stateDir: path.basename(result.stateDir),
      };
    },
    log,
  );

  const disk = await stage(
    'disk',
    {
      files: [
        ...OVA_GUEST_FILES.map((f) => path.join(applianceDir, 'guest', f)),
        path.join(applianceDir, 'ova', 'customize.ts'),
        path.join(applianceDir, 'ova', 'disk.ts'),
        path.join(applianceDir, 'lib'),
        ...bundleInputFiles(),
      ],
      values: { provision: provision.key, virtualSize: OVA_HARDWARE.virtualSize },
    },
    async (work) => {
      const result = await buildApplianceDisk({
        rootQcow2: path.join(provision.dir, provision.data.disk),
        siteDir: path.join(provision.dir, provision.data.stateDir),
        work,
        virtualSize: OVA_HARDWARE.virtualSize,
        log,
      });
      writeFileSync(path.join(work, 'packages.tsv'), result.packages);
      return {
        disk: path.basename(result.disk),
        uuid: result.uuid,
        filesystemBytes: result.filesystemBytes,
      };
    },
    log,
  );

  const exported = await stage(
    'export',
    {
      files: [
        path.join(applianceDir, 'ova', 'ovf.ts'),
        path.join(applianceDir, 'ova', 'export.ts'),
      ],
      values: { disk: disk.key, hardware: OVA_HARDWARE, version: packageJson.version },
    },
    async (work) => {
      const vmdk = path.join(work, `${OVA_NAME}-disk1.vmdk`);
      log('export: streamOptimized VMDK');
      await toStreamOptimizedVmdk(path.join(disk.dir, disk.data.disk), vmdk);
      await writeOva(work, OVA_NAME, vmdk, {
        name: OVA_NAME,
        description:
          'Debian 12 with the CloudStack Runbook applied for an all-in-one cloud (management server, KVM host, NFS storage) on 172.16.10.0/24. See docs: appliance.',
        productVersion: packageJson.version,
        cpus: OVA_HARDWARE.cpus,
        memoryMb: OVA_HARDWARE.memoryMb,
        natNetwork: OVA_HARDWARE.natNetwork,
        diskUuid: `${disk.key.slice(0, 8)}-${disk.key.slice(8, 12)}-4${disk.key.slice(13, 16)}-8000-000000000001`,
        machineUuid: `${disk.key.slice(0, 8)}-${disk.key.slice(8, 12)}-4${disk.key.slice(13, 16)}-8000-000000000002`,
      });
      const problems = await validateOva(path.join(work, `${OVA_NAME}.ova`));
      if (problems.length > 0)
        throw new Error(`the OVA failed its checks:\n- ${problems.join('\n- ')}`);
      return {
        checked: [
          'DSP8023 schema (xmllint)',
          'descriptor first in the tar',
          'manifest digests',
          'qemu-img info/check of the VMDK',
        ],
      };
    },
    log,
  );

  log('copying the images to appliance/out/');
  mkdirSync(outDir, { recursive: true });
  const files = {
    ova: path.join(outDir, `${OVA_NAME}.ova`),
    qcow2: path.join(outDir, `${OVA_NAME}.qcow2`),
  };
  copyFileSync(path.join(exported.dir, `${OVA_NAME}.ova`), files.ova);
  copyFileSync(path.join(disk.dir, disk.data.disk), files.qcow2);
  const packages = parsePackageList(readFileSync(path.join(disk.dir, 'packages.tsv'), 'utf8'));
  const manifestFile = path.join(outDir, `${OVA_NAME}.packages.txt`);
  writeFileSync(
    manifestFile,
    `# Debian packages installed in ${OVA_NAME} (dpkg-query inside the image), name version architecture\n${packages.map((p) => `${p.name} ${p.version} ${p.arch}`).join('\n')}\n`,
  );
  const described = await describeFiles([files.ova, files.qcow2, manifestFile]);
  writeSums(outDir, described);
  const report = {
    image: OVA_NAME,
    built: new Date().toISOString(),
    seconds: (Date.now() - started) / 1000,
    stages: {
      base: { cached: base.cached, seconds: base.seconds, dir: base.dir },
      provision: { cached: provision.cached, seconds: provision.seconds, key: provision.key },
      disk: { cached: disk.cached, seconds: disk.seconds, key: disk.key },
      export: { cached: exported.cached, seconds: exported.seconds, key: exported.key },
    },
    runbook: runbookDir ?? 'bundled (docs/src/content/docs)',
    install: {
      counts: provision.data.counts,
      blocked: provision.data.blocked,
      accel: provision.data.accel,
      installSeconds: provision.data.installSeconds,
    },
    hardware: OVA_HARDWARE,
    packages: packages.length,
    files: described,
    checks: exported.data.checked,
  };
  writeFileSync(
    path.join(outDir, `${OVA_NAME}.build.json`),
    JSON.stringify(report, null, 2) + '\n',
  );
  for (const f of described) log(`${f.name}: ${humanBytes(f.bytes)} sha256 ${f.sha256}`);
  log(
    `install on the build VM: ${JSON.stringify(provision.data.counts)}${provision.data.blocked.length ? ` (blocked: ${provision.data.blocked.map((b) => b.id).join(', ')})` : ''}`,
  );
  log(`done in ${Math.round(report.seconds)} s: ${rel(files.ova)}, ${rel(files.qcow2)}`);
}

main().catch((error: unknown) => {
  log(`failed: ${error instanceof Error ? error.message : String(error)}`);
  if (process.env.RUNBOOK_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
