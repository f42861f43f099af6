// tmux runs this as a pane's program, so the pane is the VM's serial console: what the guest
// writes on ttyS0 is drawn there (capture-pane reads it as a person would see it), and the keys
// send-keys types go to the guest unchanged (raw mode: Enter stays \r, arrows stay sequences).
//   node serial-attach.ts SOCKET   (qemu's -chardev socket,server=on for the serial line)
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const socketPath = process.argv[2];
if (!socketPath) {
  process.stderr.write('usage: node serial-attach.ts SOCKET\n');
  process.exit(2);
}
// qemu makes the socket when it starts: wait for it rather than fail a race with the boot.
let line: net.Socket | undefined;
for (let tries = 0; !line && tries < 300; tries++) {
  line = await new Promise<net.Socket | undefined>((resolve) => {
    const s = net.connect(socketPath);
    s.once('connect', () => resolve(s)).once('error', () => resolve(undefined));
  });
  if (!line) await sleep(100);
}
if (!line) {
  process.stderr.write(`no serial socket at ${socketPath}\n`);
  process.exit(1);
}
if (process.stdin.isTTY) process.stdin.setRawMode(true);
process.stdin.pipe(line);
line.pipe(process.stdout);
line.on('close', () => process.exit(0));
