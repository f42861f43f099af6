// Outside resources a step may need (`needs="..."`). The executor probes each once per host;
// where one cannot be reached, the steps that need it end `blocked` with the reason.

export interface Need {
  /** What the operator reads in the reason: "CloudStack's package repository". */
  what: string;
  /** The site variable holding the repository's base URL (a mirror may replace it). */
  variable: string;
  /** A file that exists in the repository for Debian 12: fetching it proves the repository answers. */
  probePath: string;
}

export const NEEDS: Record<string, Need> = {
  'cloudstack-repo': { what: "CloudStack's package repository", variable: 'CLOUDSTACK_REPOSITORY', probePath: '/dists/bookworm/Release' },
  'mysql-repo': { what: "MySQL's APT repository", variable: 'MYSQL_REPOSITORY', probePath: '/dists/bookworm/Release' },
};

export function probeUrl(need: string, variables: Record<string, string>): string | undefined {
  const spec = NEEDS[need];
  const base = spec ? variables[spec.variable] : undefined;
  return spec && base ? `${base.replace(/\/+$/, '')}${spec.probePath}` : undefined;
}
