// The SSH transport on its own: a connection lost between programs is opened again for the
// next one; a connection lost while a program runs fails that program with a clear error.
import { describe, expect, it } from 'vitest';
import type { SshTransport } from '../../src/transport/ssh.ts';
import { TransportError } from '../../src/transport/types.ts';
import { useOneSshHost } from '../helpers/one-ssh-host.ts';

const server = useOneSshHost('conn', '127.0.0.85');
const transport = server.transport;

const say = (t: SshTransport, script: string, timeoutSeconds = 10) => {
  const lines: string[] = [];
  return t
    .exec({ script, env: {}, timeoutSeconds, onLine: (_s, l) => lines.push(l) })
    .then((r) => ({ ...r, lines }));
};

describe('ssh transport', () => {
  it('reconnects for the next program after the connection dropped between programs', async () => {
    const t = transport();
    expect(await say(t, 'echo one')).toMatchObject({ exitCode: 0, lines: ['one'] });
    server.host().kill();
    await new Promise((r) => setTimeout(r, 300));
    await server.host().start();
    expect(await say(t, 'echo two')).toMatchObject({ exitCode: 0, lines: ['two'] });
    await t.close();
  });

  it('fails the running program, naming the host, when the connection drops under it', async () => {
    const t = transport();
    await say(t, 'true');
    const running = say(t, 'echo started; sleep 5');
    await new Promise((r) => setTimeout(r, 500));
    server.host().kill();
    await expect(running).rejects.toThrow(TransportError);
    await expect(running).rejects.toThrow(
      /connection to conn \(root@127\.0\.0\.85:\d+\) was (closed|lost)/,
    );
    await server.host().start();
    await t.close();
  });
});
