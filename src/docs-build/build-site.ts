// `npm run docs:build`: the static site in docs/dist, then the PDF/EPUB downloads into
// docs/dist/downloads, then the link check over the result (a broken link fails the build).
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { buildDownloads } from './downloads-cli.ts';
import { checkLinks, type BrokenLink } from './check-links.ts';

const repository = fileURLToPath(new URL('../../', import.meta.url));
export const DOCS_ROOT = `${repository}docs`;
export const DOCS_DIST = `${repository}docs/dist`;

export interface SiteBuild {
  times: SiteBuildTimes;
  /** Internal links that lead nowhere: the build command fails when there is any. */
  broken: BrokenLink[];
}

export interface SiteBuildTimes {
  astroMs: number;
  downloadsMs: number;
  checkMs: number;
  totalMs: number;
}

export async function buildSite(options: { quiet?: boolean } = {}): Promise<SiteBuild> {
  const started = performance.now();
  // The same Node that runs this script (the pinned Node 24), whatever `node` PATH finds first.
  const astro = `${repository}node_modules/astro/bin/astro.mjs`;
  await execa(process.execPath, [astro, 'build', '--root', DOCS_ROOT], {
    cwd: repository,
    stdio: options.quiet ? 'pipe' : 'inherit',
    // A clean environment: under a test runner NODE_ENV/VITE_* variables would make Astro build a
    // dev-mode site (no search).
    extendEnv: false,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      ASTRO_TELEMETRY_DISABLED: '1',
      NODE_ENV: 'production',
    },
  });
  const astroDone = performance.now();
  await buildDownloads(`${DOCS_DIST}/downloads`);
  const downloadsDone = performance.now();
  const broken = checkLinks(DOCS_DIST);
  const checkDone = performance.now();
  return {
    broken,
    times: {
      astroMs: astroDone - started,
      downloadsMs: downloadsDone - astroDone,
      checkMs: checkDone - downloadsDone,
      totalMs: checkDone - started,
    },
  };
}

if (import.meta.main) {
  buildSite().then(
    ({ times: t, broken }) => {
      for (const b of broken) console.error(`broken link on ${b.page}: ${b.href} (${b.reason})`);
      if (broken.length > 0) {
        console.error(
          `docs: ${broken.length} broken internal link(s); fix them or the pages they point to`,
        );
        process.exitCode = 1;
        return;
      }
      console.log(
        `docs: built in ${(t.totalMs / 1000).toFixed(1)} s (astro ${(t.astroMs / 1000).toFixed(1)} s, PDF+EPUB ${(t.downloadsMs / 1000).toFixed(1)} s, link check ${(t.checkMs / 1000).toFixed(1)} s)`,
      );
    },
    (error: Error) => {
      console.error(`docs: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
