import { describe, expect, it, beforeEach } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runbookCli, REPO } from '../helpers/cli.ts';

const GOOD_RUNBOOK = join(REPO, 'test/fixtures/runbook-good');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runbook-cli-'));
});

describe('runbook CLI', () => {
  it('answers --help on every command', async () => {
    for (const args of [['--help'], ['init', '--help'], ['check', '--help'], ['plan', '--help']]) {
      const r = await runbookCli(args);
      expect(r.exitCode, args.join(' ')).toBe(0);
      expect(r.stdout).toContain('Usage: runbook');
    }
  });

  it('init writes a commented site file that check and plan accept', async () => {
    const init = await runbookCli(['init'], { cwd: dir });
    expect(init.exitCode).toBe(0);
    const text = readFileSync(join(dir, 'site.yaml'), 'utf8');
    expect(text).toContain('# CloudStack Runbook site file');
    expect(text).toContain('hostname: kvm1');
    // HOME without keys: the missing key file is a warning, not an error.
    const check = await runbookCli(['check', '--runbook', GOOD_RUNBOOK], { cwd: dir, env: { HOME: dir } });
    expect(check.stderr).toMatch(/^warning: site.yaml:\d+:\d+: ssh.identity: the key file ~\/.ssh\/id_ed25519 does not exist here/);
    expect(check.exitCode).toBe(0);
    expect(check.stdout).toMatch(/^ok: site.yaml: site "demo", 2 machines; runbook: 3 chapters, 7 steps/);
    const plan = await runbookCli(['plan', '--json', '--runbook', GOOD_RUNBOOK], { cwd: dir });
    expect(plan.exitCode).toBe(0);
    const json = JSON.parse(plan.stdout) as { steps: { id: string; hosts: string[]; source: { file: string; line: number }; actions: { kind: string }[] }[] };
    expect(json.steps.map((s) => s.id)).toContain('database-install');
    for (const step of json.steps) {
      expect(Object.keys(step)).toEqual(expect.arrayContaining(['id', 'title', 'on', 'hosts', 'source', 'actions']));
      for (const a of step.actions) expect(['sh', 'file', 'api']).toContain(a.kind);
    }
  });

  it('init --all-in-one writes a site without KVM hosts', async () => {
    await runbookCli(['init', '--all-in-one', '--site', 'aio.yaml'], { cwd: dir });
    const plan = await runbookCli(['plan', '--site', 'aio.yaml', '--runbook', GOOD_RUNBOOK], { cwd: dir });
    expect(plan.stdout).toContain('(all-in-one)');
  });

  it('init refuses to overwrite and changes nothing', async () => {
    writeFileSync(join(dir, 'site.yaml'), 'name: mine\n');
    const r = await runbookCli(['init'], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('site.yaml: already exists; nothing was written');
    expect(readFileSync(join(dir, 'site.yaml'), 'utf8')).toBe('name: mine\n');
  });

  it('bad input: exit 2, one line per problem on stderr, no stack trace', async () => {
    writeFileSync(join(dir, 'site.yaml'), 'name: x\nnetwork:\n  gateway: 10.9.9.9\n  cidr: 172.16.10.0/24\nzone:\n  guestVlans: 1-9999\n');
    const r = await runbookCli(['check', '--runbook', GOOD_RUNBOOK], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^site.yaml:3:\d+: network.gateway: 10.9.9.9 is not a usable address/),
      expect.stringMatching(/^site.yaml:6:\d+: zone.guestVlans: 1-9999 goes outside 1-4094/),
      '2 problems found; nothing was changed.',
    ]);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('a missing site file says how to make one', async () => {
    const r = await runbookCli(['plan', '--runbook', GOOD_RUNBOOK], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('site.yaml: the site file does not exist Fix: run `runbook init`');
  });

  it('reports runbook problems with file and line', async () => {
    await runbookCli(['init'], { cwd: dir });
    const r = await runbookCli(['check', '--runbook', join(REPO, 'test/fixtures/runbook-bad')], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('bad.mdx:22: Bad_Id: listZones has no parameter "bogusparam"');
  });

  it('an unknown command or option is an error with a pointer to help', async () => {
    const r = await runbookCli(['frobnicate']);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('runbook --help');
    expect(existsSync(join(dir, 'site.yaml'))).toBe(false);
  });
});

describe('runbook CLI options', () => {
  it('takes --site and --runbook after the command, from any folder', async () => {
    await runbookCli(['init', '--site', join(dir, 'mine.yaml')], { cwd: dir });
    const r = await runbookCli(['check', '--site', join(dir, 'mine.yaml'), '--runbook', GOOD_RUNBOOK], { cwd: tmpdir() });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('runbook: 3 chapters, 7 steps');
  });

  it('lists every contract command in --help', async () => {
    const r = await runbookCli(['--help']);
    for (const command of ['init', 'check', 'plan', 'preflight', 'install', 'status', 'verify', 'api', 'export', 'lab']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
  });

  it('without a terminal, runbook alone prints help instead of opening the wizard', async () => {
    const r = await runbookCli([]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Usage: runbook');
  });
});

describe('runbook import', () => {
  it('turns a reStructuredText page into an MDX page that check accepts', async () => {
    const r = await runbookCli(['import', join(REPO, 'test/fixtures/legacy/networking.rst'), '--out', dir]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('("Networking for KVM Hosts")');
    expect(readFileSync(join(dir, 'networking.mdx'), 'utf8')).toContain('## Bridge configuration');
    await runbookCli(['init', '--site', join(dir, 'site.yaml')]);
    const check = await runbookCli(['check', '--site', join(dir, 'site.yaml'), '--runbook', dir]);
    expect(check.stdout).toContain('no problems');
  });

  it('refuses to overwrite an existing page and says so', async () => {
    writeFileSync(join(dir, 'networking.mdx'), 'mine');
    const r = await runbookCli(['import', join(REPO, 'test/fixtures/legacy/networking.rst'), '--out', dir]);
    expect(r.exitCode).toBe(2);
    expect(readFileSync(join(dir, 'networking.mdx'), 'utf8')).toBe('mine');
  });
});

describe('keys on the command line', () => {
  it('do not stay visible in the process list while runbook api runs', async () => {
    const { createServer } = await import('node:net');
    const { execa } = await import('execa');
    const { NODE, RUNBOOK_BIN } = await import('../helpers/cli.ts');
    // An API endpoint that accepts the connection and never answers: the call stays in flight.
    const sockets: import('node:net').Socket[] = [];
    const server = createServer((s) => void sockets.push(s)).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    const secret = `SeCrEt${Date.now()}`;
    const child = execa(NODE, [RUNBOOK_BIN, 'api', 'listZones', '--endpoint', `http://127.0.0.1:${port}/client/api`, '--api-key', 'k', '--secret-key', secret], { reject: false });
    try {
      await new Promise((r) => setTimeout(r, 2500));
      const ps = await execa('ps', ['-eww', '-o', 'args'], { reject: false });
      expect(String(ps.stdout)).toContain('runbook');
      expect(String(ps.stdout)).not.toContain(secret);
    } finally {
      child.kill('SIGKILL');
      await child;
      for (const s of sockets) s.destroy();
      server.close();
    }
  });
});

describe('the CLI in another language', () => {
  for (const LANG of ['ja_JP.UTF-8', 'zh_CN.UTF-8']) {
    it(`says help, problems, fixes and usage errors in the catalog's language with LANG=${LANG}`, async () => {
      const cjk = /[\u3040-\u30ff\u4e00-\u9fff]/;
      const help = await runbookCli(['--help'], { env: { LANG } });
      expect(help.exitCode).toBe(0);
      const lines = help.stdout.split('\n');
      expect(lines[0]).toMatch(cjk);
      // Every option and command description is translated; the names and placeholders are not.
      const described = lines.filter((l) => /^ {2}\S/.test(l));
      expect(described.length).toBeGreaterThan(8);
      for (const l of described) expect(l, l).toMatch(cjk);
      expect(help.stdout).toContain('--site <file>');
      expect(help.stdout).not.toMatch(/Usage:|Options:|Commands:|display help/);

      writeFileSync(join(dir, 'site.yaml'), 'name: demo\nmanagement:\n  adress: 172.16.10.2\n  hostname: mgmt\n');
      const check = await runbookCli(['check', '--runbook', GOOD_RUNBOOK], { cwd: dir, env: { LANG } });
      expect(check.exitCode).toBe(2);
      const [problem, summary] = check.stderr.split('\n');
      expect(problem).toMatch(/^site\.yaml:3:3: management\.adress: \S*\p{Script=Han}.*adress.*address/u);
      expect(problem).not.toMatch(/unknown key|Fix:|did you mean/);
      expect(summary).toMatch(cjk);
      expect(summary).not.toMatch(/problem|nothing was changed/);

      const unknown = await runbookCli(['instal'], { env: { LANG } });
      expect(unknown.exitCode).toBe(2);
      expect(unknown.stderr).toMatch(cjk);
      expect(unknown.stderr).toContain('instal');
      expect(unknown.stderr).toContain('install');
      expect(unknown.stderr).not.toMatch(/unknown command|did you mean/);
    });
  }

  it('shows step titles in Japanese with LANG=ja_JP.UTF-8, commands unchanged', async () => {
    await runbookCli(['init'], { cwd: dir });
    const ja = await runbookCli(['plan', '-v'], { cwd: dir, env: { LANG: 'ja_JP.UTF-8' } });
    const en = await runbookCli(['plan', '-v'], { cwd: dir, env: { LANG: 'C' } });
    expect(ja.exitCode).toBe(0);
    expect(ja.stdout).toMatch(/preflight-os\s+\S*[\u3040-\u30ff\u4e00-\u9fff]/);
    expect(en.stdout).toMatch(/preflight-os\s+The machine runs Debian 12/);
    // The actions (commands, files) are the same bytes in both languages.
    const actions = (text: string) => text.split('\n').filter((l) => /^ {7}(sh|file|api):/.test(l));
    expect(actions(ja.stdout)).toEqual(actions(en.stdout));
    expect(actions(en.stdout).length).toBeGreaterThan(40);
  });
});
