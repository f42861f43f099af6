// The live installer's entry point (cloudstack-runbook-installer@<tty>.service runs it on the
// console the kernel command line names last): with an answer folder, the zero-touch install
// and a reboot; without one (or after answers that stop it), the interactive installer.
//   node /opt/cloudstack-runbook/installer/machine-install/main.ts
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { t } from '../../src/i18n/translate.ts';
import { consoleReporter } from './consoles.ts';
import type { Sources } from './engine.ts';
import { INSTALL_LOG } from './target-files.ts';
import {
  ISO_MARKER,
  KEYRING_ON_ISO,
  LIVE_DIR,
  LIVE_MEDIUM,
  REPO_ON_ISO,
  SYSTEM_SQUASHFS,
} from './live-paths.ts';
import { answerFromCmdline, answerOnIso, chooseAnswer, mountAnswerStick } from './media.ts';
import { probeMachine } from './probe.ts';
import { realShell } from './real-shell.ts';
import { zeroTouch } from './zero-touch.ts';

export function liveSources(medium = LIVE_MEDIUM): Sources {
  return {
    systemImage: path.join(medium, LIVE_DIR, SYSTEM_SQUASHFS),
    repo: path.join(medium, REPO_ON_ISO),
    keyring: path.join(medium, KEYRING_ON_ISO),
    installer: '/opt/cloudstack-runbook',
    wrapper: '/usr/local/bin/runbook',
    targetFiles: path.join(import.meta.dirname, 'target'),
  };
}

/** "cloudstack-runbook-installer 2025-06-01T10:00:00Z" plus the answer's id: what installed a machine. */
export function isoIdentity(medium = LIVE_MEDIUM): string {
  const marker = path.join(medium, ISO_MARKER);
  return existsSync(marker) ? readFileSync(marker, 'utf8').trim().split('\n')[0]! : 'unknown ISO';
}

async function main(): Promise<number> {
  const shell = realShell();
  const stick = await mountAnswerStick(shell).catch(() => undefined);
  const facts = await probeMachine(shell, stick?.disk ? [stick.disk] : []);
  if (facts.options.lang) {
    const { loadLanguage } = await import('../wizard/languages.ts');
    await loadLanguage(facts.options.lang);
  }
  const place = chooseAnswer(answerFromCmdline(facts.options.answer), stick, answerOnIso());
  const sources = liveSources();
  if (place) {
    const out = consoleReporter(facts.consoleArgs);
    try {
      const installed = await zeroTouch(place, facts, sources, shell, out, isoIdentity());
      if (installed) {
        out.say(t('Installed. Restarting into the installed system in 5 seconds.'));
        await new Promise((r) => setTimeout(r, 5000));
        await shell.run('systemctl', ['reboot']);
        return 0;
      }
    } catch (error) {
      out.say(
        t('The install failed: {message}', {
          message: error instanceof Error ? error.message : String(error),
        }),
      );
      out.say(
        t('The whole log is in {log}; a shell is on the second console (Alt+F2).', {
          log: INSTALL_LOG,
        }),
      );
    }
    out.say(t('Press Enter to start the interactive installer.'));
    out.close();
    await waitForEnter();
  }
  const { runMachineWizard } = await import('./wizard/run.ts');
  return runMachineWizard({ facts, shell, sources, stick, installedFrom: isoIdentity() });
}

function waitForEnter(): Promise<void> {
  return new Promise((resolve) => {
    process.stdin.resume();
    process.stdin.once('data', () => {
      process.stdin.pause();
      resolve();
    });
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `machine installer: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
