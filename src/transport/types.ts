// What the executor asks of a host: run one bash program with an environment and optional
// stdin data, stream its output line by line, and report how it ended. Local and SSH
// transports implement the same shape so the executor never knows which one it talks to.

export type OutputStream = 'stdout' | 'stderr';

export interface ExecRequest {
  /** Bash program text; run as `bash -euo pipefail FILE` on the host, as root. */
  script: string;
  /** Environment for the program. Sent over stdin, never on a command line. */
  env: Record<string, string>;
  /** Bytes the program reads on its stdin (e.g. the content of a file to write). */
  input?: string;
  /** Seconds before the program is stopped (TERM, then KILL). */
  timeoutSeconds: number;
  /**
   * Name of a lock on the host ([A-Za-z0-9._-]) the program holds while it runs; a program with
   * the same name waits for it. Keeps a step orphaned by a killed installer from running twice
   * at once with the resume's copy.
   */
  lockName?: string;
  onLine?: (stream: OutputStream, line: string) => void;
}

export interface ExecResult {
  /** Exit status; 124 when the timeout stopped the program. */
  exitCode: number;
  timedOut: boolean;
}

/** The connection to a host broke (or could not be made); the step did not finish. */
export class TransportError extends Error {
  readonly host: string;
  constructor(host: string, message: string) {
    super(message);
    this.name = 'TransportError';
    this.host = host;
  }
}

export interface Transport {
  readonly host: string;
  /** Open the connection (idempotent). Host key problems reject with HostKeyError. */
  connect(): Promise<void>;
  exec(request: ExecRequest): Promise<ExecResult>;
  /** Close the connection; running programs are left to their own timeouts. */
  close(): Promise<void>;
}
