// The lab's L2 segment: a network namespace with one bridge carrying the gateway address and
// one tap per VM. Nothing else: no veth to the host, no default route, no forwarding, so a
// packet from a VM to any address outside 172.16.10.0/24 ends at the gateway ("network
// unreachable"). The only ways out are the relay sockets (see relay.ts, daemon.ts).
import { execa } from 'execa';
import { LAB_NETWORK } from './layout.ts';

export const BRIDGE = 'labbr0';
export const tapName = (index: number) => `labtap${index}`;

async function ip(...args: string[]): Promise<string> {
  const result = await execa('ip', args);
  return result.stdout;
}

export async function netnsExists(netns: string): Promise<boolean> {
  const out = await ip('netns', 'list');
  return out.split('\n').some((line) => line.split(' ')[0] === netns);
}

export async function createLabNetwork(netns: string, vmCount: number): Promise<void> {
  await ip('netns', 'add', netns);
  const inNs = (...args: string[]) => execa('ip', ['netns', 'exec', netns, ...args]);
  await inNs(
    'sysctl',
    '-q',
    '-w',
    'net.ipv4.ip_forward=0',
    'net.ipv6.conf.all.disable_ipv6=1',
    'net.ipv6.conf.default.disable_ipv6=1',
  );
  await ip('-n', netns, 'link', 'set', 'lo', 'up');
  await ip(
    '-n',
    netns,
    'link',
    'add',
    BRIDGE,
    'type',
    'bridge',
    'stp_state',
    '0',
    'forward_delay',
    '0',
  );
  await ip(
    '-n',
    netns,
    'addr',
    'add',
    `${LAB_NETWORK.gateway}/${LAB_NETWORK.prefix}`,
    'dev',
    BRIDGE,
  );
  await ip('-n', netns, 'link', 'set', BRIDGE, 'up');
  for (let i = 0; i < vmCount; i++) await addLabTap(netns, i);
}

/** The tap of VM `index` on the lab bridge (also for a VM added to a running lab). */
export async function addLabTap(netns: string, index: number): Promise<void> {
  await ip('-n', netns, 'tuntap', 'add', 'dev', tapName(index), 'mode', 'tap');
  await ip('-n', netns, 'link', 'set', tapName(index), 'master', BRIDGE, 'up');
}

/** Routes inside the namespace (the tests assert there is no way out). */
export async function labRoutes(netns: string): Promise<string[]> {
  const out = await ip('-n', netns, '-4', 'route', 'show', 'table', 'all');
  return out.split('\n').filter((line) => line.trim() !== '');
}

/** Deleting the namespace removes its bridge and taps with it. */
export async function destroyLabNetwork(netns: string): Promise<boolean> {
  if (!(await netnsExists(netns))) return false;
  await ip('netns', 'delete', netns);
  return true;
}
