// Trust: nothing in the code, the CLI or the exports turns off host key or certificate checks,
// and an https API endpoint is only accepted with a certificate the operator's CA file vouches
// for (tested through `runbook api`, as an operator runs it, against a self-signed server).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runbookCli } from '../helpers/cli.ts';
import { recordTrial, trackTrials } from './results.ts';

const dir = mkdtempSync(join(tmpdir(), 'rb-trust-'));

function selfSigned(name: string, san: string): { key: string; cert: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
      '-subj', `/CN=${name}`, '-addext', `subjectAltName=${san}`, '-keyout', key, '-out', cert],
    { stdio: 'ignore' },
  );
  return { key, cert };
}

async function serve(pair: { key: string; cert: string }): Promise<{ server: Server; url: string }> {
  const server = createServer(
    { key: readFileSync(pair.key), cert: readFileSync(pair.cert) },
    (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ listzonesresponse: { count: 1, zone: [{ id: 'z', name: 'TLS zone' }] } }));
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, url: `https://127.0.0.1:${(server.address() as { port: number }).port}/client/api` };
}

let good: { server: Server; url: string };
let wrongName: { server: Server; url: string };
let goodCa: string;
let otherCa: string;
let wrongNameCa: string;
beforeAll(async () => {
  const a = selfSigned('good', 'IP:127.0.0.1');
  const b = selfSigned('other', 'IP:127.0.0.1');
  const c = selfSigned('wrongname', 'DNS:cloud.example');
  goodCa = a.cert;
  otherCa = b.cert;
  wrongNameCa = c.cert;
  good = await serve(a);
  wrongName = await serve(c);
});
afterAll(async () => {
  await Promise.all([good, wrongName].map((s) => new Promise<void>((r) => s?.server.close(() => r()))));
  rmSync(dir, { recursive: true, force: true });
});

function filesUnder(root: string): string[] {
  return readdirSync(root).flatMap((e) => {
    const full = join(root, e);
    // Built images (appliance/out) are not code, and can be gigabytes.
    if (e === 'node_modules' || e === 'out' || e.startsWith('.')) return [];
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

const DISABLING = [
  /rejectUnauthorized\s*:\s*false/,
  /NODE_TLS_REJECT_UNAUTHORIZED/,
  /StrictHostKeyChecking[= ]+(no|off|accept-new)/i,
  /UserKnownHostsFile[= ]+\/dev\/null/,
  /verify\s*=\s*False/,
  /_create_unverified_context|CERT_NONE/,
  /\bcurl\b[^\n]*\s(-k|--insecure)\b/,
  /--no-check-certificate/,
  /hostVerifier\s*[:=]\s*\(\)\s*=>\s*true/,
  /checkServerIdentity\s*[:=]\s*\(\)\s*=>/,
];

describe('no switch turns verification off', () => {
  it('the engine, installer, exports and appliance hold no code that disables a check', () => {
    const files = ['src', 'installer', 'appliance', 'scripts']
      .flatMap((d) => filesUnder(join(REPO, d)))
      .filter((f) => /\.(ts|js|mjs|py|sh|lua|cfg|conf|txt)$/.test(f) || !/\.[A-Za-z0-9]+$/.test(f));
    const hits: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const pattern of DISABLING) if (pattern.test(text)) hits.push(`${file}: ${pattern}`);
    }
    recordTrial({
      area: 'trust',
      scenario: `source scan for code that disables host key or TLS checks (${files.length} files, ${DISABLING.length} patterns)`,
      expected: 'no match',
      runs: 1,
      passed: hits.length === 0 ? 1 : 0,
      notes: hits.slice(0, 3).join('; ') || undefined,
    });
    expect(files.length).toBeGreaterThan(50);
    expect(hits).toEqual([]);
  });

  it('no command offers an option that disables host key or certificate checks', async () => {
    const commands = ['', 'init', 'check', 'plan', 'preflight', 'install', 'status', 'verify', 'api', 'export', 'import', 'lab'];
    await trackTrials(
      {
        area: 'trust',
        scenario: 'every command\'s --help searched for options that disable verification',
        expected: 'no such option (insecure, no-verify, skip host key, accept any key ...)',
      },
      commands.length,
      async (i) => {
        const args = commands[i] ? [commands[i]!, '--help'] : ['--help'];
        const help = await runbookCli(args);
        expect(help.exitCode, help.stderr).toBe(0);
        expect(help.stdout).toMatch(/Usage:/);
        expect(help.stdout).not.toMatch(/insecure|no-?verify|skip-?verif|no-?check|strict-?host|accept-?(any|all|new)|trust-?all|unsafe|ignore-?(cert|host)/i);
      },
    );
  });
});

describe('TLS to an https API endpoint (self-signed servers on loopback)', () => {
  const cases: { name: string; endpoint: () => string; ca?: () => string; accepted: boolean }[] = [
    { name: 'self-signed, no CA named', endpoint: () => good.url, accepted: false },
    { name: 'self-signed, another CA named', endpoint: () => good.url, ca: () => otherCa, accepted: false },
    { name: 'certificate for another name, its CA named', endpoint: () => wrongName.url, ca: () => wrongNameCa, accepted: false },
    { name: 'self-signed, its own CA named', endpoint: () => good.url, ca: () => goodCa, accepted: true },
  ];
  it('accepts only a certificate the named CA vouches for, for the name dialled', async () => {
    await trackTrials(
      {
        area: 'trust',
        scenario: 'https API endpoint: no CA, wrong CA, wrong name, right CA (`runbook api listZones`)',
        expected: 'refused with a message saying to name the CA file, except with the right CA',
      },
      cases.length,
      async (i) => {
        const c = cases[i]!;
        const args = ['api', 'listZones', '--endpoint', c.endpoint(), '--api-key', 'k', '--secret-key', 's'];
        if (c.ca) args.push('--ca-file', c.ca());
        const r = await runbookCli(args, { cwd: dir });
        if (c.accepted) {
          expect(r.exitCode, `${c.name}: ${r.stderr}`).toBe(0);
          expect(r.stdout).toContain('TLS zone');
        } else {
          expect(r.exitCode, c.name).not.toBe(0);
          expect(r.stdout).not.toContain('TLS zone');
          expect(r.stderr, c.name).toMatch(/certificate|CA/);
          expect(r.stderr, c.name).not.toMatch(/^\s+at /m);
        }
      },
    );
  });
});
