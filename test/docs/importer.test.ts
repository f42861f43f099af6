// `runbook import`: legacy DocBook and reStructuredText → MDX pages, through Debian's pandoc.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mdxToJs } from 'satteri';
import { parse as parseYaml } from 'yaml';
import { importLegacyDocs, type ImportedPage } from '../../src/importer/import.ts';
import { parsePage } from '../../src/runbook/parse.ts';
import { InputError } from '../../src/diagnostics.ts';

const fixtures = new URL('../fixtures/legacy/', import.meta.url).pathname;
let out: string;
let pages: ImportedPage[];
const page = (name: string) => readFileSync(join(out, name), 'utf8');
const squashSpaces = (text: string) => text.replace(/ +/g, ' ');

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'import-'));
  pages = await importLegacyDocs(
    [`${fixtures}install-guide.xml`, `${fixtures}networking.rst`],
    out,
  );
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('importLegacyDocs', () => {
  it('writes one page per document, titled from the document, ordered after the runbook', () => {
    expect(pages.map((p) => p.output)).toEqual([
      join(out, 'install-guide.mdx'),
      join(out, 'networking.mdx'),
    ]);
    const front = (name: string) =>
      parseYaml(page(name).split('---\n')[1]!) as { title: string; sidebar: { order: number } };
    expect(front('install-guide.mdx')).toMatchObject({
      title: 'Legacy Management Server Installation',
      sidebar: { order: 1000 },
    });
    expect(front('networking.mdx')).toMatchObject({
      title: 'Networking for KVM Hosts',
      sidebar: { order: 1001 },
    });
  });

  it('produces pages the runbook parser and the site’s MDX engine accept without a problem', () => {
    for (const imported of pages) {
      const text = readFileSync(imported.output, 'utf8');
      expect(parsePage(text, 'imported.mdx').problems).toEqual([]);
      expect(() =>
        mdxToJs(text, { features: { directive: true, gfm: true, frontmatter: true } }),
      ).not.toThrow();
    }
  });

  it('keeps headings below the page title, with sub-sections one level down', () => {
    const docbook = page('install-guide.mdx');
    expect(docbook).toMatch(/^## Prepare the operating system$/m);
    expect(docbook).toMatch(/^## Install the database$/m);
    expect(docbook).toMatch(/^### Check the service$/m);
    expect(page('networking.mdx')).toMatch(/^## Bridge configuration$/m);
    expect(docbook).not.toMatch(/^# /m);
  });

  it('keeps code blocks verbatim with their language, as samples that never run', () => {
    expect(page('install-guide.mdx')).toContain(
      '```bash norun\napt-get update\napt-get install -y chrony openntpd\n```',
    );
    expect(page('install-guide.mdx')).toContain(
      '```ini norun\n[mysqld]\ninnodb_rollback_on_timeout=1\nmax_connections=350\n```',
    );
    expect(page('networking.mdx')).toContain(
      '```text norun\nauto cloudbr0\niface cloudbr0 inet static\n    address 192.168.42.11/24\n    bridge_ports eth0\n```',
    );
    expect(page('networking.mdx')).toContain('systemctl restart networking');
  });

  it('turns admonitions into Starlight asides, keeping their titles', () => {
    const docbook = page('install-guide.mdx');
    expect(docbook).toMatch(/:::note\[Before you start\]\n\nRun every command as `root`\.\n\n:::/);
    expect(docbook).toMatch(/:::caution\n\nDo not expose port 8080 to the internet\.\n\n:::/);
    const rst = page('networking.mdx');
    expect(rst).toMatch(/:::caution\n\nA mistake here cuts the host off the network\./);
    expect(rst).toMatch(/:::tip\n\nUse `bridge link` to list the ports\./);
    expect(rst).toMatch(/:::note\[Upstream reference\]\n\nSee the installation guide/);
  });

  it('keeps tables readable as pipe tables, multi-paragraph cells joined', () => {
    const docbook = squashSpaces(page('install-guide.mdx'));
    expect(docbook).toContain('| Port | Used by |');
    expect(docbook).toContain('| 3306 | MariaDB (local only) |');
    expect(squashSpaces(page('networking.mdx'))).toContain(
      '| Guest | cloudbr0, VLAN 100-200 (tagged) |',
    );
    expect(page('install-guide.mdx')).not.toContain('<table');
  });

  it('escapes what MDX would read as expressions or tags, and points cross-references at the new heading ids', () => {
    expect(page('install-guide.mdx')).toContain('\\{MGMT_IP\\} or \\<your-address\\>');
    expect(page('networking.mdx')).toContain('`<host-ip>/24`');
    expect(page('install-guide.mdx')).toContain('](#prepare-the-operating-system)');
  });

  it('refuses bad inputs with one problem each, before writing anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'import-bad-'));
    writeFileSync(join(dir, 'notes.txt'), 'plain text');
    const attempt = importLegacyDocs(
      [join(dir, 'missing.rst'), join(dir, 'notes.txt')],
      join(dir, 'out'),
    );
    await expect(attempt).rejects.toBeInstanceOf(InputError);
    const error = (await attempt.catch((e: unknown) => e)) as InputError;
    expect(error.problems.map((p) => p.message)).toEqual([
      'the file does not exist',
      '".txt" is neither DocBook nor reStructuredText',
    ]);
    await expect(importLegacyDocs([`${fixtures}networking.rst`], out)).rejects.toThrow(
      /already exists/,
    );
    rmSync(dir, { recursive: true, force: true });
  });
});
