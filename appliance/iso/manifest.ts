// The ISO's package manifest: every Debian package of the prepared system (what each machine
// runs from its first boot) and of the local repository (what the runbook installs later),
// with versions, and for the repository's files their sizes and SHA-256 sums; then what the
// ISO does not carry and why.
import type { LocalRepo } from './local-repo.ts';
import type { SystemImage } from './system-image.ts';

export function packageManifest(input: {
  name: string;
  built: string;
  system: SystemImage;
  repo: LocalRepo;
}): string {
  const lines = [
    `# ${input.name}.iso, built ${input.built}: what it is made of.`,
    `# The prepared system (10-system.squashfs, installed on every machine; kernel ${input.system.kernel}):`,
    '# package version architecture',
    ...input.system.packages.map((p) => `${p.name} ${p.version} ${p.arch}`),
    '',
    `# The local APT repository (/cloudstack-runbook/apt; ${input.repo.packages.length} packages, signed by ${input.repo.fingerprint}):`,
    '# package version architecture bytes sha256 file',
    ...input.repo.packages.map(
      (p) => `${p.name} ${p.version} ${p.arch} ${p.bytes} ${p.sha256} ${p.file}`,
    ),
    '',
    '# Not on the ISO:',
    ...input.repo.outside.map((o) => `# ${o.packages.join(', ')} (${o.need}): ${o.reason}`),
    '',
  ];
  return lines.join('\n');
}
