// `npm run appliance:iso` (node appliance/build-iso.ts [--config FILE] [--out DIR] [--name NAME]):
// a hybrid BIOS/UEFI ISO that installs Debian 12 unattended from the network with
// debian-installer (Debian's netboot package) and a preseed that asks only for the static
// address, then installs this project's installer with a first-boot wizard on tty1.
// Stages (cached under appliance/.cache/): payload (the installer bundle as a tarball).
import { execa } from 'execa';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { argv } from 'zx';
import { bundleInputFiles, writeBundle } from './lib/bundle.ts';
import { applianceDir, outDir as defaultOutDir, repoRoot } from './lib/paths.ts';
import { describeFiles, humanBytes, writeSums } from './lib/report.ts';
import { stage } from './lib/stages.ts';
import { ensureTools, requireRoot } from './lib/tools.ts';
import {
  INITRD,
  ISO_MARKER,
  KERNEL,
  grubCfg,
  grubEmbeddedCfg,
  isolinuxCfg,
} from './iso/boot-config.ts';
import { loadIsoConfig } from './iso/config.ts';
import { INITRD_FILES, lateScript, preseed } from './iso/preseed.ts';

export const ISO_NAME = 'cloudstack-runbook-installer';
const D_I = '/usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64';
const GUEST = path.join(applianceDir, 'guest');
const TARGET_FILES: Record<string, string> = {
  'usr/local/sbin/cloudstack-runbook-wizard': 'cloudstack-runbook-wizard',
  'etc/systemd/system/cloudstack-runbook-wizard.service': 'cloudstack-runbook-wizard.service',
  'etc/systemd/system/cloudstack-runbook-ready.service': 'cloudstack-runbook-ready.service',
};
const log = (line: string) =>
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] appliance:iso: ${line}\n`);

async function packageVersions(names: string[]): Promise<Record<string, string>> {
  const out = String(
    (await execa('dpkg-query', ['-W', '-f', '${Package}\t${Version}\n', ...names])).stdout,
  );
  return Object.fromEntries(
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t') as [string, string]),
  );
}

/** Append files to an initrd as an extra (uncompressed) newc cpio member: the kernel unpacks both. */
async function appendToInitrd(
  initrd: string,
  files: Record<string, string>,
  work: string,
): Promise<void> {
  const root = path.join(work, 'initrd-extra');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  for (const [inside, from] of Object.entries(files)) cpSync(from, path.join(root, inside));
  const list =
    Object.keys(files)
      .map((f) => `.${f}`)
      .join('\n') + '\n';
  const cpio = await execa('cpio', ['--quiet', '-o', '-H', 'newc', '-R', '0:0'], {
    cwd: root,
    input: list,
    encoding: 'buffer',
  });
  writeFileSync(initrd, Buffer.concat([readFileSync(initrd), cpio.stdout as Uint8Array]));
}

async function main(): Promise<void> {
  requireRoot('building the ISO');
  await ensureTools(
    {
      xorriso: 'xorriso',
      [`${D_I}/linux`]: 'debian-installer-12-netboot-amd64',
      '/usr/lib/ISOLINUX/isolinux.bin': 'isolinux',
      '/usr/lib/syslinux/modules/bios/ldlinux.c32': 'syslinux-common',
      'grub-mkstandalone': 'grub-common',
      '/usr/lib/grub/x86_64-efi/linux.mod': 'grub-efi-amd64-bin',
      mformat: 'mtools',
      cpio: 'cpio',
      openssl: 'openssl',
    },
    log,
  );
  const started = Date.now();
  const configFile = path.resolve(
    String(argv.config ?? path.join(applianceDir, 'iso', 'config.yaml')),
  );
  const config = loadIsoConfig(configFile);
  const out = path.resolve(String(argv.out ?? defaultOutDir));
  const name = String(argv.name ?? ISO_NAME);

  const payload = await stage(
    'iso-payload',
    { files: bundleInputFiles() },
    async (work) => {
      const staging = path.join(work, 'root');
      await writeBundle(staging);
      await execa('tar', [
        '-czf',
        path.join(work, 'bundle.tar.gz'),
        '--owner=0',
        '--group=0',
        '--numeric-owner',
        '-C',
        staging,
        'opt',
        'usr',
      ]);
      rmSync(staging, { recursive: true, force: true });
      return { bundle: 'bundle.tar.gz' };
    },
    log,
  );

  const work = path.join(path.dirname(payload.dir), `.work-iso-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  const tree = path.join(work, 'iso');
  try {
    for (const dir of ['install', 'isolinux', 'boot/grub', '.disk', 'cloudstack-runbook'])
      mkdirSync(path.join(tree, dir), { recursive: true });
    // Files the installed system gets besides the bundle: first-boot wizard and the ready report.
    const targetRoot = path.join(work, 'target');
    for (const [inside, file] of Object.entries(TARGET_FILES)) {
      mkdirSync(path.dirname(path.join(targetRoot, inside)), { recursive: true });
      copyFileSync(path.join(GUEST, file), path.join(targetRoot, inside));
    }
    chmodSync(path.join(targetRoot, 'usr/local/sbin/cloudstack-runbook-wizard'), 0o755);
    await execa('tar', [
      '-cf',
      path.join(work, 'target.tar'),
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      '-C',
      targetRoot,
      'usr',
      'etc',
    ]);

    log('installer: debian-installer netboot kernel and initrd with the preseed and the bundle');
    copyFileSync(path.join(D_I, 'linux'), path.join(tree, KERNEL));
    copyFileSync(path.join(D_I, 'initrd.gz'), path.join(tree, INITRD));
    const throwaway = randomBytes(24).toString('base64');
    const hash = String(
      (await execa('openssl', ['passwd', '-6', '-stdin'], { input: throwaway })).stdout,
    ).trim();
    writeFileSync(path.join(work, 'preseed.cfg'), preseed(config, hash));
    writeFileSync(path.join(work, 'late.sh'), lateScript());
    writeFileSync(
      path.join(work, 'authorized_keys'),
      config.authorizedKeys.map((k) => `${k}\n`).join(''),
    );
    await appendToInitrd(
      path.join(tree, INITRD),
      {
        '/preseed.cfg': path.join(work, 'preseed.cfg'),
        [INITRD_FILES.late]: path.join(work, 'late.sh'),
        [INITRD_FILES.keys]: path.join(work, 'authorized_keys'),
        [INITRD_FILES.bundle]: path.join(payload.dir, payload.data.bundle),
        [INITRD_FILES.target]: path.join(work, 'target.tar'),
      },
      work,
    );

    log('boot loaders: isolinux (BIOS) and GRUB (UEFI)');
    copyFileSync('/usr/lib/ISOLINUX/isolinux.bin', path.join(tree, 'isolinux/isolinux.bin'));
    copyFileSync(
      '/usr/lib/syslinux/modules/bios/ldlinux.c32',
      path.join(tree, 'isolinux/ldlinux.c32'),
    );
    writeFileSync(path.join(tree, 'isolinux/isolinux.cfg'), isolinuxCfg());
    writeFileSync(path.join(tree, 'boot/grub/grub.cfg'), grubCfg());
    writeFileSync(path.join(tree, ISO_MARKER), 'CloudStack Runbook installer ISO\n');
    writeFileSync(
      path.join(tree, '.disk/info'),
      `CloudStack Runbook installer (Debian 12 bookworm amd64) ${new Date().toISOString().slice(0, 10)}\n`,
    );
    copyFileSync(configFile, path.join(tree, 'cloudstack-runbook/config.yaml'));
    writeFileSync(path.join(work, 'grub-embedded.cfg'), grubEmbeddedCfg());
    const efiBinary = path.join(work, 'BOOTX64.EFI');
    const grubModules =
      'part_gpt part_msdos iso9660 fat search search_fs_file configfile linux normal serial terminal echo efi_gop efi_uga all_video gzio';
    await execa('grub-mkstandalone', [
      '-O',
      'x86_64-efi',
      '-o',
      efiBinary,
      `--modules=${grubModules}`,
      `--install-modules=${grubModules}`,
      '--locales=',
      '--fonts=',
      `boot/grub/grub.cfg=${path.join(work, 'grub-embedded.cfg')}`,
    ]);
    const efiImg = path.join(tree, 'boot/grub/efi.img');
    // The FAT image only holds the GRUB binary: size it from that, with room for the filesystem.
    await execa('truncate', [
      '-s',
      String(Math.ceil(statSync(efiBinary).size / 2 ** 20 + 2) * 2 ** 20),
      efiImg,
    ]);
    await execa('mformat', ['-i', efiImg, '::']);
    await execa('mmd', ['-i', efiImg, '::/EFI', '::/EFI/BOOT']);
    await execa('mcopy', ['-i', efiImg, efiBinary, '::/EFI/BOOT/BOOTX64.EFI']);

    log('xorriso: hybrid ISO (El Torito BIOS + UEFI, MBR and GPT for USB sticks)');
    mkdirSync(out, { recursive: true });
    const iso = path.join(out, `${name}.iso`);
    await execa('xorriso', [
      '-as',
      'mkisofs',
      '-quiet',
      '-r',
      '-J',
      '-joliet-long',
      '-V',
      'CSRUNBOOK',
      '-o',
      iso,
      '-isohybrid-mbr',
      '/usr/lib/ISOLINUX/isohdpfx.bin',
      '-b',
      'isolinux/isolinux.bin',
      '-c',
      'isolinux/boot.cat',
      '-no-emul-boot',
      '-boot-load-size',
      '4',
      '-boot-info-table',
      '-eltorito-alt-boot',
      '-e',
      'boot/grub/efi.img',
      '-no-emul-boot',
      '-isohybrid-gpt-basdat',
      tree,
    ]);

    const versions = await packageVersions([
      'debian-installer-12-netboot-amd64',
      'isolinux',
      'syslinux-common',
      'grub-efi-amd64-bin',
      'xorriso',
    ]);
    const manifest = path.join(out, `${name}.packages.txt`);
    writeFileSync(
      manifest,
      [
        `# What ${name}.iso is made of (dpkg-query on the build machine) and what it installs.`,
        ...Object.entries(versions).map(([p, v]) => `${p} ${v}`),
        `node ${process.versions.node} (bundled runtime, node_modules/node)`,
        '# The installed system: Debian 12 from the archive at install time; the ISO test records',
        '# the installed package list (dpkg-query inside the installed machine) in test/.artifacts/appliance/.',
        '',
      ].join('\n'),
    );
    const files = await describeFiles([iso, manifest]);
    writeSums(out, files);
    const report = {
      image: name,
      built: new Date().toISOString(),
      seconds: (Date.now() - started) / 1000,
      config: configFile,
      keysBaked: config.authorizedKeys.length,
      payload: { cached: payload.cached, seconds: payload.seconds },
      versions,
      files,
    };
    writeFileSync(path.join(out, `${name}.build.json`), JSON.stringify(report, null, 2) + '\n');
    for (const f of files) log(`${f.name}: ${humanBytes(f.bytes)} sha256 ${f.sha256}`);
    log(`done in ${Math.round(report.seconds)} s: ${path.relative(repoRoot, iso) || iso}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  log(`failed: ${error instanceof Error ? error.message : String(error)}`);
  if (process.env.RUNBOOK_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
