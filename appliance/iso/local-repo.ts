// The ISO's local APT repository: every Debian package the runbook installs on any role, with
// the dependencies that the prepared system lacks, resolved by apt itself inside an overlay on
// the prepared system (so exactly what an installed machine would fetch is fetched). Each
// group is resolved on its own as well as all together, the way the runbook's steps install
// them one after another. Signed with a key made for this build; only its public half is kept
// (the installed systems trust it for this repository alone).
//
// CloudStack's own packages go in only when the build machine reaches CloudStack's repository
// (or the mirror named with --cloudstack-repository); the build report says which.
import { execa } from 'execa';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { withLayeredChroot } from '../lib/chroot.ts';
import { sha256 } from '../lib/report.ts';
import { stage } from '../lib/stages.ts';
import type { StageResult } from '../lib/stages.ts';
import { repoPackageSets } from './repo-packages.ts';
import { SUITE } from './system-image.ts';
import type { SystemImage } from './system-image.ts';

/** Where the repository sits on the ISO and on every installed machine. */
export const REPO_ON_ISO = 'cloudstack-runbook/apt';
export const REPO_ON_TARGET = '/var/lib/cloudstack-runbook/apt';
export const REPO_KEYRING = 'cloudstack-runbook-local.gpg';
export const REPO_COMPONENT = 'main';
export const CLOUDSTACK_VERSION = '4.22';

export interface RepoPackage {
  name: string;
  version: string;
  arch: string;
  file: string;
  bytes: number;
  sha256: string;
}

export interface LocalRepo {
  dir: string;
  keyring: string;
  fingerprint: string;
  packages: RepoPackage[];
  groups: { name: string; packages: string[] }[];
  /** Outside repositories: which packages they would have added, and whether they did. */
  outside: { need: string; packages: string[]; included: boolean; reason: string }[];
}

/** Whether the build machine reaches CloudStack's repository: its bookworm Release file answers. */
export async function probeCloudStackRepository(url: string): Promise<boolean> {
  const result = await execa(
    'curl',
    [
      '-fsS',
      '-o',
      '/dev/null',
      '--max-time',
      '15',
      `${url.replace(/\/+$/, '')}/dists/${SUITE}/Release`,
    ],
    { reject: false },
  );
  return result.exitCode === 0;
}

async function debInfo(file: string): Promise<Omit<RepoPackage, 'file' | 'bytes' | 'sha256'>> {
  const out = await execa('dpkg-deb', ['-f', file, 'Package', 'Version', 'Architecture']);
  const field = (name: string) =>
    new RegExp(`^${name}: (.*)$`, 'm').exec(String(out.stdout))?.[1]?.trim() ?? '';
  return { name: field('Package'), version: field('Version'), arch: field('Architecture') };
}

async function signRelease(repo: string, dist: string): Promise<{ fingerprint: string }> {
  const home = mkdtempSync(path.join(tmpdir(), 'iso-repo-gpg-'));
  try {
    const gpg = (args: string[]) =>
      execa('gpg', [
        '--batch',
        '--homedir',
        home,
        '--pinentry-mode',
        'loopback',
        '--passphrase',
        '',
        ...args,
      ]);
    await gpg([
      '--quick-gen-key',
      `CloudStack Runbook local repository (built ${new Date().toISOString().slice(0, 10)})`,
      'ed25519',
      'sign',
      '0',
    ]);
    const colons = String((await gpg(['--with-colons', '--list-secret-keys'])).stdout);
    const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(colons)?.[1] ?? '';
    await gpg(['--export', '--output', path.join(repo, REPO_KEYRING)]);
    await gpg([
      '--clearsign',
      '--digest-algo',
      'SHA512',
      '--output',
      path.join(dist, 'InRelease'),
      path.join(dist, 'Release'),
    ]);
    await gpg([
      '--armor',
      '--detach-sign',
      '--digest-algo',
      'SHA512',
      '--output',
      path.join(dist, 'Release.gpg'),
      path.join(dist, 'Release'),
    ]);
    return { fingerprint };
  } finally {
    // The private key is used for this one signature and never leaves the build.
    rmSync(home, { recursive: true, force: true });
  }
}

export function buildLocalRepo(
  system: StageResult<SystemImage>,
  options: { cloudstackRepository: string; cloudstackReachable: boolean; runbookDir?: string },
  log: (line: string) => void,
): Promise<StageResult<LocalRepo>> {
  const sets = repoPackageSets(options.runbookDir);
  return stage(
    'iso-repo',
    {
      values: {
        system: system.key,
        sets,
        cloudstack: options.cloudstackReachable ? options.cloudstackRepository : null,
      },
    },
    async (work) => {
      const upper = path.join(work, 'upper');
      const repo = path.join(work, 'repo');
      const pool = path.join(repo, 'pool', REPO_COMPONENT);
      mkdirSync(pool, { recursive: true });
      const outside: LocalRepo['outside'] = [];
      await withLayeredChroot(
        {
          layers: [path.join(system.dir, system.data.squashfs)],
          upper,
          work: path.join(work, 'mnt'),
        },
        async (chroot) => {
          const groups = [...sets.groups];
          for (const set of sets.outside) {
            const cloudstack = set.need === 'cloudstack-repo' && options.cloudstackReachable;
            if (cloudstack) {
              log(
                `repo: CloudStack's repository answers at ${options.cloudstackRepository}: its packages go in`,
              );
              const base = options.cloudstackRepository.replace(/\/+$/, '');
              await chroot.run(
                `install -d /etc/apt/keyrings && curl -fsSL '${base.replace(/\/[^/]*$/, '')}/release.asc' | gpg --dearmor > /etc/apt/keyrings/cloudstack.gpg`,
              );
              writeFileSync(
                path.join(chroot.root, 'etc/apt/sources.list.d/cloudstack.sources'),
                `Types: deb\nURIs: ${base}\nSuites: ${SUITE}\nComponents: ${CLOUDSTACK_VERSION}\nSigned-By: /etc/apt/keyrings/cloudstack.gpg\n`,
              );
              groups.push({ name: `from ${set.need}`, packages: set.packages });
            }
            outside.push({
              need: set.need,
              packages: set.packages,
              included: cloudstack,
              reason: cloudstack
                ? `downloaded from ${options.cloudstackRepository}`
                : set.need === 'cloudstack-repo'
                  ? `${options.cloudstackRepository} did not answer from the build machine`
                  : 'comes from its own repository at install time (the ISO does not carry it)',
            });
          }
          log('repo: apt-get update');
          await chroot.run('apt-get update -qq');
          // Debian's default (with Recommends), as the runbook's own apt-get install lines run.
          const download = (packages: string[]) =>
            chroot.run(
              `apt-get install -y -qq --download-only -o APT::Install-Recommends=true ${packages.join(' ')}`,
            );
          for (const group of groups) {
            log(`repo: ${group.name}: ${group.packages.join(' ')}`);
            await download(group.packages);
          }
          log('repo: all groups together');
          await download([...new Set(groups.flatMap((g) => g.packages))]);
          const archives = path.join(chroot.root, 'var/cache/apt/archives');
          for (const deb of readdirSync(archives).filter((f) => f.endsWith('.deb')))
            copyFileSync(path.join(archives, deb), path.join(pool, deb));
        },
      );
      rmSync(upper, { recursive: true, force: true });
      rmSync(path.join(work, 'mnt'), { recursive: true, force: true });

      log('repo: indexes and signature');
      const dist = path.join(repo, 'dists', SUITE);
      const binary = path.join(dist, REPO_COMPONENT, 'binary-amd64');
      mkdirSync(binary, { recursive: true });
      const packagesIndex = await execa('apt-ftparchive', ['packages', 'pool'], { cwd: repo });
      writeFileSync(path.join(binary, 'Packages'), String(packagesIndex.stdout) + '\n');
      await execa('gzip', ['-9', '-k', '-n', path.join(binary, 'Packages')]);
      // prettier-ignore
      const release = await execa(
        'apt-ftparchive',
        [
          '-o', 'APT::FTPArchive::Release::Origin=CloudStack Runbook',
          '-o', 'APT::FTPArchive::Release::Label=CloudStack Runbook local repository',
          '-o', `APT::FTPArchive::Release::Suite=${SUITE}`,
          '-o', `APT::FTPArchive::Release::Codename=${SUITE}`,
          '-o', 'APT::FTPArchive::Release::Architectures=amd64',
          '-o', `APT::FTPArchive::Release::Components=${REPO_COMPONENT}`,
          'release', '.',
        ],
        { cwd: dist },
      );
      writeFileSync(path.join(dist, 'Release'), String(release.stdout) + '\n');
      const { fingerprint } = await signRelease(repo, dist);

      const packages: RepoPackage[] = [];
      for (const deb of readdirSync(pool).sort()) {
        const file = path.join(pool, deb);
        packages.push({
          ...(await debInfo(file)),
          file: `pool/${REPO_COMPONENT}/${deb}`,
          bytes: statSync(file).size,
          sha256: await sha256(file),
        });
      }
      log(`repo: ${packages.length} packages, signed by ${fingerprint}`);
      return {
        dir: 'repo',
        keyring: REPO_KEYRING,
        fingerprint,
        packages,
        groups: sets.groups,
        outside,
      };
    },
    log,
  );
}
