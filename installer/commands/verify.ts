// `runbook verify [--site F] [--json]`: checks of the running cloud; exit code 1 when
// something is not right (the table says what to look at).
import { interactiveClient, resolveConnection, type ConnectionOptions } from '../../src/cloudstack/connection.ts';
import { CloudStackError, TransportError, redact } from '../../src/cloudstack/errors.ts';
import { formatReport, verifyCloud } from '../../src/cloudstack/verify.ts';
import { RUNBOOK_COMMAND } from '../../src/runbook-command.ts';
import { err as defaultErr, out as defaultOut, outJson } from '../output.ts';

export interface VerifyOptions extends ConnectionOptions {
  json?: boolean;
  zone?: string;
  /** Where output goes (tests pass their own). */
  out?: (text: string) => void;
  err?: (text: string) => void;
}

export async function run(options: VerifyOptions): Promise<number> {
  const out = options.out ?? (options.json ? outJson : defaultOut);
  const err = options.err ?? defaultErr;
  const conn = resolveConnection(options);
  const client = interactiveClient(conn);
  try {
    const report = await verifyCloud(client, { zoneName: options.zone ?? conn.zoneName });
    if (options.json) out(JSON.stringify({ type: 'verify', ...report }) + '\n');
    else out(formatReport(report));
    return report.ok ? 0 : 1;
  } catch (e) {
    if (e instanceof CloudStackError || e instanceof TransportError) {
      const message = redact(e.message, conn.secrets);
      if (options.json)
        out(
          JSON.stringify({
            type: 'verify',
            ok: false,
            simulated: client.simulated,
            error: message,
            checks: [],
          }) + '\n',
        );
      else err(`${RUNBOOK_COMMAND} verify: ${message}\n`);
      return 1;
    }
    throw e;
  }
}
