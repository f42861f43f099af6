// The pieces that decide what crosses in and out of the lab, with real sockets on loopback.
import http from 'node:http';
import net from 'node:net';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createArchiveProxy,
  decideArchiveRequest,
  listeningPort,
} from '../../src/lab/archive-proxy.ts';
import { startRelay } from '../../src/lab/relay.ts';
import { labCommand } from '../../installer/commands/lab.ts';

const closers: (() => void)[] = [];
afterAll(() => closers.forEach((close) => close()));

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(listeningPort(server))),
  );
}

function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('archive proxy', () => {
  it('lets through only http://deb.debian.org/debian and /debian-security', () => {
    expect(
      decideArchiveRequest(
        'GET',
        'http://deb.debian.org/debian/dists/bookworm/InRelease',
        undefined,
      ),
    ).toEqual({ allowed: true, path: '/debian/dists/bookworm/InRelease' });
    expect(
      decideArchiveRequest(
        'GET',
        '/debian-security/dists/bookworm-security/InRelease',
        'deb.debian.org',
      ).allowed,
    ).toBe(true);
    expect(decideArchiveRequest('GET', 'http://192.0.2.1/debian/x', undefined).allowed).toBe(false);
    expect(
      decideArchiveRequest('GET', 'http://deb.debian.org:8080/debian/x', undefined).allowed,
    ).toBe(false);
    expect(decideArchiveRequest('GET', 'http://deb.debian.org/other/x', undefined).allowed).toBe(
      false,
    );
    expect(decideArchiveRequest('GET', 'https://deb.debian.org/debian/x', undefined).allowed).toBe(
      false,
    );
    expect(decideArchiveRequest('POST', 'http://deb.debian.org/debian/x', undefined).allowed).toBe(
      false,
    );
    expect(decideArchiveRequest('GET', '/debian/x', 'download.cloudstack.org').allowed).toBe(false);
    expect(
      decideArchiveRequest('GET', 'http://deb.debian.org.evil.example/debian/x', undefined).allowed,
    ).toBe(false);
  });

  it('forwards allowed requests and refuses the rest without contacting anything', async () => {
    const seen: string[] = [];
    const upstream = http.createServer((req, res) => {
      seen.push(`${req.headers.host} ${req.url}`);
      res.end('package-bytes');
    });
    const upstreamPort = await listen(upstream);
    const proxy = createArchiveProxy({ upstream: { host: '127.0.0.1', port: upstreamPort } });
    const proxyPort = await listen(proxy);
    closers.push(
      () => upstream.close(),
      () => proxy.close(),
    );

    const ok = await rawRequest(
      proxyPort,
      'GET http://deb.debian.org/debian/pool/main/h/hello.deb HTTP/1.0\r\n\r\n',
    );
    expect(ok).toMatch(/^HTTP\/1\.1 200/);
    expect(ok).toContain('package-bytes');
    const plain = await rawRequest(
      proxyPort,
      'GET /debian/dists/bookworm/Release HTTP/1.0\r\nHost: deb.debian.org\r\n\r\n',
    );
    expect(plain).toMatch(/^HTTP\/1\.1 200/);

    const other = await rawRequest(
      proxyPort,
      'GET http://192.0.2.1/debian/x HTTP/1.0\r\nHost: 192.0.2.1\r\n\r\n',
    );
    expect(other).toMatch(/^HTTP\/1\.1 403/);
    expect(other).toContain('only deb.debian.org');
    const tunnel = await rawRequest(
      proxyPort,
      'CONNECT download.cloudstack.org:443 HTTP/1.1\r\nHost: download.cloudstack.org:443\r\n\r\n',
    );
    expect(tunnel).toMatch(/^HTTP\/1\.1 403/);

    expect(seen).toEqual([
      'deb.debian.org /debian/pool/main/h/hello.deb',
      'deb.debian.org /debian/dists/bookworm/Release',
    ]);
  });
});

describe('relays', () => {
  it('carry a TCP connection through a Unix socket and back to TCP', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lab-relay-'));
    closers.push(() => rmSync(dir, { recursive: true, force: true }));
    const echo = net.createServer((s) => s.pipe(s));
    const echoPort = await listen(echo);
    const sock = path.join(dir, 'hop.sock');
    const inner = await startRelay({ unix: sock }, { tcp: { host: '127.0.0.1', port: echoPort } });
    const outer = await startRelay({ tcp: { host: '127.0.0.1', port: 0 } }, { unix: sock });
    closers.push(
      () => echo.close(),
      () => inner.close(),
      () => outer.close(),
    );

    const answer = await new Promise<string>((resolve, reject) => {
      const client = net.connect(listeningPort(outer), '127.0.0.1', () =>
        client.end('through the relays'),
      );
      let got = '';
      client.on('data', (d) => (got += d.toString()));
      client.on('end', () => resolve(got));
      client.on('error', reject);
    });
    expect(answer).toBe('through the relays');
  });
});

describe('runbook lab command', () => {
  it('names the mistake for a bad action or --hosts', async () => {
    const errors: string[] = [];
    const err = (line: string) => errors.push(line);
    expect(await labCommand('sideways', { err, out: () => {} })).toBe(2);
    expect(errors.pop()).toContain('use up, down, status or add-host');
    expect(await labCommand('up', { hosts: 'two', err, out: () => {} })).toBe(1);
    expect(errors.pop()).toContain('--hosts must be a whole number');
    expect(
      await labCommand('up', {
        hosts: 12,
        err,
        out: () => {},
        dir: path.join(tmpdir(), 'lab-never-started'),
      }),
    ).toBe(1);
    expect(errors.pop()).toContain('from 0 (all-in-one) to 8');
  });

  it('add-host without a running lab says how to start one and changes nothing', async () => {
    const errors: string[] = [];
    const dir = path.join(tmpdir(), 'lab-never-started');
    expect(await labCommand('add-host', { err: (l) => errors.push(l), out: () => {}, dir })).toBe(
      1,
    );
    expect(errors.pop()).toContain('no lab is fully up');
    expect(errors.join('\n')).not.toContain('stops everything');
    expect(existsSync(path.join(dir, 'state.json'))).toBe(false);
  });
});
