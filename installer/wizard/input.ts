// Keyboard plumbing shared by every screen. One scope says whether the screens may take keys
// now (not while the help panel covers them) and whether a text field is taking typed
// characters (then `?` is text, not the help key). Without a provider (another app reusing the
// components), screens always take keys.
import React from 'react';
import { useInput, useStdin, type Key } from 'ink';

export interface InputScope {
  /** Something above the screens (the help panel) takes every key for now. */
  blocked: boolean;
  /** How many text fields are taking typed characters right now. */
  typing: { current: number };
}

export const InputScopeContext = React.createContext<InputScope>({ blocked: false, typing: { current: 0 } });

/** Ink's useInput, quiet while the help panel is open. */
export function useKeys(handler: (input: string, key: Key) => void, options: { isActive?: boolean } = {}): void {
  const scope = React.useContext(InputScopeContext);
  useInput(handler, { isActive: (options.isActive ?? true) && !scope.blocked });
}

/**
 * What the terminal sent, one event of Ink's input parser at a time (an escape sequence, or a
 * run of plain bytes), before Ink turns it into key flags: the flags cannot tell Backspace
 * from Delete, and drop F1 and Home/End variants.
 */
export function useRawInput(handler: (sequence: string) => void, isActive = true): void {
  const { internal_eventEmitter: events, setRawMode } = useStdin();
  const latest = React.useRef(handler);
  latest.current = handler;
  React.useEffect(() => {
    if (!isActive) return;
    setRawMode(true);
    return () => setRawMode(false);
  }, [isActive, setRawMode]);
  // A layout effect: a field that loses focus stops listening in the same commit, so a key
  // that follows at once goes to the field that has it now, not to the one before.
  React.useLayoutEffect(() => {
    if (!isActive || !events) return;
    const listener = (sequence: string) => latest.current(sequence);
    events.on('input', listener);
    return () => {
      events.removeListener('input', listener);
    };
  }, [isActive, events]);
}

/** F1 as xterm, VT220 and the Linux console send it. */
export const F1 = new Set(['\u001BOP', '\u001B[11~', '\u001B[[A', '\u001B[1P']);
