// The build tools come from Debian's packages. A missing one is installed with apt-get (the
// builds run as root anyway), saying so, rather than failing half way through a long build.
import { execa } from 'execa';

/** command → the Debian package that provides it. */
export type ToolSet = Record<string, string>;

export async function ensureTools(tools: ToolSet, log: (line: string) => void): Promise<void> {
  const missing = new Set<string>();
  for (const [command, pkg] of Object.entries(tools)) {
    const found = command.startsWith('/')
      ? await execa('test', ['-e', command], { reject: false })
      : await execa('sh', ['-c', `command -v ${command}`], { reject: false });
    if (found.exitCode !== 0) missing.add(pkg);
  }
  if (missing.size === 0) return;
  const packages = [...missing].sort();
  if (process.getuid?.() !== 0) {
    throw new Error(
      `the build needs these Debian packages: ${packages.join(' ')}; install them with \`apt-get install -y ${packages.join(' ')}\` or run the build as root`,
    );
  }
  log(`installing build tools from Debian: apt-get install -y ${packages.join(' ')}`);
  const result = await execa('apt-get', ['install', '-y', '--no-install-recommends', ...packages], {
    reject: false,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.exitCode !== 0)
    throw new Error(
      `apt-get install ${packages.join(' ')} failed:\n${String(result.stderr).trim().slice(-1500)}`,
    );
}

export function requireRoot(what: string): void {
  if (process.getuid?.() !== 0)
    throw new Error(
      `${what} needs root (loop devices, mounts, network namespaces); run it as root`,
    );
}
