// state.json in the lab directory: everything `lab down` needs to find again. Written after
// each process starts, so a failure or Ctrl-C half way still leaves a complete cleanup list.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Accel } from './accel.ts';

export interface LabMachineState {
  name: string;
  role: 'management' | 'kvm';
  address: string;
  sshPort: number;
  pid?: number;
  disk: string;
  console: string;
  bootSeconds?: number;
}

export interface LabState {
  dir: string;
  netns: string;
  /** Processes are only signalled when their command line contains this. */
  marker: string;
  accel?: Accel;
  memoryMb: number;
  image?: { dir: string; cached: boolean; seconds: number };
  apiPort?: number;
  daemons: { name: string; pid: number }[];
  machines: LabMachineState[];
  startedAt: string;
  upSeconds?: number;
}

export function readLabState(file: string): LabState | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as LabState;
}

export function writeLabState(file: string, state: LabState): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
}
