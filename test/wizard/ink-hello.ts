// The peer for first-frame.ts: the smallest Ink program (one line of text), so the ratio
// says what the wizard adds on top of Ink itself.
import React from 'react';
import { render, Text } from 'ink';

const app = render(React.createElement(Text, null, 'Welcome'));
setImmediate(() => {
  const cpu = process.cpuUsage();
  process.stderr.write(`first-frame wall=${performance.now().toFixed(0)}ms cpu=${((cpu.user + cpu.system) / 1000).toFixed(0)}ms\n`);
});
setTimeout(() => app.unmount(), 2000);
