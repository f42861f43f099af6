// How `runbook install` shows executor events: one JSON object per line (`--json`, DESIGN.md
// section 5) or plain lines a person or a log file can read.
import { describeElapsed } from '../../src/cloudstack/api-timing.ts';
import type { ExecutorEvent, FailureReport } from '../../src/executor/events.ts';
import { translatedStepTitle } from '../../src/i18n/installer-catalog.ts';
import { currentLanguage } from '../../src/i18n/translate.ts';
import { leftHostsNotice, recheckLine, recheckSummary } from './day-two-output.ts';

export type Write = (text: string) => void;

/**
 * The contract's JSON lines: plan, step-start, step-end, summary (plus dry-run under --dry-run
 * and, an extension, step-progress while a step waits on something slow).
 */
export function jsonRenderer(out: Write): (event: ExecutorEvent) => void {
  return (event) => {
    switch (event.type) {
      case 'plan':
      case 'step-start':
      case 'step-progress':
      case 'dry-run':
      case 'summary':
        return out(JSON.stringify(event) + '\n');
      case 'step-end': {
        const { failure, ...rest } = event;
        return out(JSON.stringify(failure ? { ...rest, failure } : rest) + '\n');
      }
      default:
        return;
    }
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Time between repeated lines of one wait in plain output (a log stays readable). */
export const PROGRESS_LINE_EVERY_MS = 30_000;

/**
 * Which progress reports become lines: the first of each wait (a new text, or the time waited
 * starting again), then one every PROGRESS_LINE_EVERY_MS. `key` tells apart waits that run at
 * once (one per step and host).
 */
export function progressThrottle(): (key: string, text: string, elapsedMs: number) => boolean {
  const shown = new Map<string, { text: string; at: number; last: number }>();
  return (key, text, elapsedMs) => {
    const prev = shown.get(key);
    const fresh = !prev || prev.text !== text || elapsedMs < prev.last;
    if (fresh || elapsedMs - prev.at >= PROGRESS_LINE_EVERY_MS) {
      shown.set(key, { text, at: elapsedMs, last: elapsedMs });
      return true;
    }
    prev.last = elapsedMs;
    return false;
  };
}

/** `addHost: waiting for the KVM agent on kvm1 to connect, 2m10s` */
export function progressText(text: string, elapsedMs: number): string {
  return `${text}, ${describeElapsed(elapsedMs)}`;
}

export function formatFailure(f: FailureReport): string {
  const lines = [
    `Step ${f.id} failed on ${f.host}: ${f.message}`,
    `  command:   ${f.command.trimEnd().split('\n').join('\n             ')}`,
    ...(f.exitCode !== undefined ? [`  exit code: ${f.exitCode}`] : []),
  ];
  if (f.lastLines.length > 0)
    lines.push(
      `  last ${f.lastLines.length} lines of output:`,
      ...f.lastLines.map((l) => `    | ${l}`),
    );
  lines.push(`  log:       ${f.log}`, `  docs:      ${f.url}`);
  return lines.join('\n') + '\n';
}

/** Plain lines: one per step start and end, the failure report, and the summary. */
export function lineRenderer(
  out: Write,
  resumeCommand: string,
  dryRun = false,
): (event: ExecutorEvent) => void {
  const width = { host: 4 };
  const showProgress = progressThrottle();
  return (event) => {
    const tag = (host: string) => `[${host.padEnd(width.host)}]`;
    switch (event.type) {
      case 'plan':
        width.host = Math.max(4, ...event.hosts.map((h) => h.length));
        out(`Site ${event.site}: ${event.steps.length} steps on ${event.hosts.join(', ')}\n`);
        return out(leftHostsNotice(event.leftHosts ?? []));
      case 'host':
        return event.state === 'connected' ? out(`${tag(event.host)} connected\n`) : undefined;
      case 'step-start':
        return out(`${tag(event.host)} start    ${event.id}: ${translatedStepTitle(currentLanguage(), event.id, event.title)}\n`);
      case 'step-progress':
        return showProgress(`${event.id}@${event.host}`, event.text, event.elapsedMs)
          ? out(
              `${tag(event.host)} wait     ${event.id}: ${progressText(event.text, event.elapsedMs)}\n`,
            )
          : undefined;
      case 'step-retry':
        return out(
          `${tag(event.host)} retry    ${event.id}: ${event.reason}; again in ${seconds(event.delayMs)}\n`,
        );
      case 'step-end': {
        const rechecked = recheckLine(event, tag(event.host));
        if (rechecked) {
          out(rechecked);
          if (event.failure) out(formatFailure(event.failure));
          return;
        }
        const why = event.reason ? ` (${event.reason})` : '';
        out(
          `${tag(event.host)} ${event.status.padEnd(8)} ${event.id} in ${seconds(event.ms)}${event.status === 'failed' ? '' : why}${event.simulated ? ' [simulated]' : ''}\n`,
        );
        if (event.failure) out(formatFailure(event.failure));
        return;
      }
      case 'dry-run':
        return out(
          recheckLine(event, tag(event.host)) ??
            `${tag(event.host)} ${event.action === 'run' ? 'would run' : 'done     '} ${event.id} (${event.reason})\n`,
        );
      case 'summary': {
        const c = event.counts;
        out(
          `Summary: ${c.changed} changed, ${c.ok} ok, ${c.skipped} skipped, ${c.failed} failed, ${c.blocked} blocked` +
            `${event.notRun ? `, ${event.notRun} not run` : ''} in ${seconds(event.ms)}\n`,
        );
        for (const b of event.blockedSteps) out(`Blocked: ${b.id} on ${b.host}: ${b.reason}\n`);
        out(recheckSummary(event, dryRun));
        if (event.simulatedSteps > 0)
          out(
            `${event.simulatedSteps} api step(s) ran against the CloudStack API simulator, not a real CloudStack.\n`,
          );
        if (event.blockedSteps.length > 0)
          out(
            `${event.blockedSteps.length} step(s) are blocked; the steps that do not depend on them ran.\n`,
          );
        if (event.result === 'failed')
          out(`The run failed. Fix the cause above, then resume with: ${resumeCommand}\n`);
        if (event.result === 'interrupted')
          out(`Stopped on request. Resume with: ${resumeCommand}\n`);
        return;
      }
      default:
        return;
    }
  };
}
