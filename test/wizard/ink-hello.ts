// The peer for first-frame.ts: the smallest Ink program (one line of text), so the ratio
// says what the wizard adds on top of Ink itself.
import React from 'react';
import { render, Text } from 'ink';

const app = render(React.createElement(Text, null, 'Welcome'));
setTimeout(() => app.unmount(), 2000);
