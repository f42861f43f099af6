// Outside hosts a step fetches from (`needs="..."`). The executor probes each once per host before
// the first step that needs it; where one cannot be reached, the steps that need it end `blocked`
// with the reason. The overview page lists every one of them, and the preflight chapter has a step
// needing each, so `runbook preflight` names an unreachable one before anything is installed.

export interface Need {
  /** What the operator reads in the reason: "CloudStack's package repository". */
  what: string;
  /** The site variable holding the base URL (a mirror may replace it); absent for a fixed host. */
  variable?: string;
  /** The base URL when no site setting names it. */
  base?: string;
  /** The URLs the steps fetch from that base: downloading each proves the host answers. */
  urls: (base: string) => string[];
}

const withoutSlash = (url: string) => url.replace(/\/+$/, '');
/** The base without its last path part, as the steps' `${VAR%/*}` writes it. */
const parent = (url: string) => url.replace(/\/[^/]*$/, '');

export const NEEDS: Record<string, Need> = {
  'cloudstack-repo': {
    what: "CloudStack's package repository",
    variable: 'CLOUDSTACK_REPOSITORY',
    // The suite's Release file (apt), and the signing key one level up (the cloudstack-repo step).
    urls: (base) => [`${withoutSlash(base)}/dists/bookworm/Release`, `${parent(base)}/release.asc`],
  },
  'mysql-repo': {
    what: "MySQL's APT repository",
    variable: 'MYSQL_REPOSITORY',
    urls: (base) => [`${withoutSlash(base)}/dists/bookworm/Release`],
  },
  'mysql-key': {
    what: "the key server that holds MySQL's signing key",
    // Fixed in the mysql-connector step, which checks the key's fingerprint before trusting it.
    base: 'https://keyserver.ubuntu.com',
    urls: (base) => [`${withoutSlash(base)}/`],
  },
};

/** The base URL of a need for this site, or undefined when the site leaves it empty. */
export function needBase(need: string, variables: Record<string, string>): string | undefined {
  const spec = NEEDS[need];
  if (!spec) return undefined;
  const base = spec.variable ? variables[spec.variable] : spec.base;
  return base ? base : undefined;
}

/** Every URL the installer downloads to prove `need` answers; empty when it cannot say. */
export function probeUrls(need: string, variables: Record<string, string>): string[] {
  const base = needBase(need, variables);
  return base ? NEEDS[need]!.urls(base) : [];
}
