// qemu's guestfwd runs this per guest connection (cmd:), with the connection on stdin/stdout:
// it joins that to a TCP port on this machine's loopback, where the lab's archive proxy listens.
//   node tcp-pipe.ts PORT
// Each direction ends when its source ends, and the process ends when both are done (never
// with process.exit, which would drop answer bytes still queued for qemu).
import net from 'node:net';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('usage: node tcp-pipe.ts PORT\n');
  process.exit(2);
}
const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
process.stdin.pipe(socket);
socket.pipe(process.stdout);
socket.on('error', () => {
  process.exitCode = 1;
  process.stdin.destroy();
});
