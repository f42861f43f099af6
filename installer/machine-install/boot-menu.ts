// The ISO's GRUB menu (/boot/grub/grub.cfg), written by the ISO build and again by `runbook iso`
// when it bakes an answer folder in. One config serves both firmwares: BIOS (GRUB's El Torito
// image, also from a USB stick through the hybrid MBR) and UEFI (Debian's signed shim and
// GRUB, whose embedded config finds the medium by /.disk/info and reads this file). Both talk
// on the first serial port too, so headless machines and the boot tests see the menu.
//
// A machine that already runs a system installed from this ISO (its ESP holds the marker the
// installer leaves) boots that system by default: a zero-touch install reboots into the
// installed system even where the firmware tries the ISO first, instead of installing again.
import { INSTALLED_MARKER, LIVE_DIR } from './live-paths.ts';

export const LIVE_KERNEL = `/${LIVE_DIR}/vmlinuz`;
export const LIVE_INITRD = `/${LIVE_DIR}/initrd.img`;
export const SERIAL_CONSOLE = 'console=ttyS0,115200n8';
/** Kernel parameters of the live system. */
export const LIVE_APPEND = 'boot=live quiet';

export interface MenuEntry {
  title: string;
  /** Extra kernel parameters after LIVE_APPEND. */
  append: string;
}

export interface GrubMenu {
  /** The entries; the first is the default unless an installed system is found. */
  entries: MenuEntry[];
  timeoutSeconds: number;
}

/** The plain ISO's menu: the installer on the screen, or on the first serial port. */
export function plainMenu(): GrubMenu {
  return {
    timeoutSeconds: 10,
    entries: [
      { title: 'Install a CloudStack Runbook machine', append: '' },
      {
        title: 'Install a CloudStack Runbook machine (serial console ttyS0)',
        // The last console= is where the installer's screens go.
        append: `console=tty0 ${SERIAL_CONSOLE}`,
      },
    ],
  };
}

/**
 * The menu of an ISO with an answer folder: the machine it names installs by itself after the
 * timeout; without one, each machine of the site has its entry and the menu waits for a choice.
 * The screen stays the installer's console; the serial line gets the same progress lines.
 */
export function answerMenu(
  machines: { hostname: string; role: string; address: string }[],
  chosen?: string,
): GrubMenu {
  const auto = (m: { hostname: string; role: string; address: string }): MenuEntry => ({
    title: `Install ${m.hostname} (${m.role}, ${m.address}) automatically: erases its disk`,
    append: `runbook.machine=${m.hostname} ${SERIAL_CONSOLE} console=tty0`,
  });
  const first = chosen ? machines.filter((m) => m.hostname === chosen) : machines;
  const rest = chosen ? machines.filter((m) => m.hostname !== chosen) : [];
  const interactive = plainMenu().entries.map((e) => ({
    title: `${e.title}, asking every question`,
    append: `runbook.answer=none${e.append ? ` ${e.append}` : ''}`,
  }));
  return {
    timeoutSeconds: chosen ? 10 : -1,
    entries: [...first.map(auto), ...rest.map(auto), ...interactive],
  };
}

const quote = (text: string) => `"${text.replace(/["\\$]/g, '\\$&')}"`;

export function grubCfg(menu: GrubMenu): string {
  const lines = [
    '# Written by appliance/build-iso.ts (and `runbook iso` for an ISO with an answer file).',
    'serial --unit=0 --speed=115200',
    'terminal_input console serial',
    'terminal_output console serial',
    `set timeout=${menu.timeoutSeconds}`,
    'set default=0',
    // An installed machine boots its own disk unless someone picks an install entry.
    `if search --no-floppy --set=installed --file /${INSTALLED_MARKER}; then`,
    '  set default=installed',
    '  set timeout=5',
    'fi',
  ];
  for (const entry of menu.entries) {
    lines.push(
      `menuentry ${quote(entry.title)} {`,
      `  linux ${LIVE_KERNEL} ${LIVE_APPEND}${entry.append ? ` ${entry.append}` : ''}`,
      `  initrd ${LIVE_INITRD}`,
      '}',
    );
  }
  lines.push(
    'if [ -n "$installed" ]; then',
    '  menuentry "Boot the system installed on this machine" --id installed {',
    '    regexp --set=1:disk "^([^,]+)" "$installed"',
    '    if [ "$grub_platform" = efi ]; then',
    // With the path given as ($installed)/..., the chainloaded shim got the ISO's device path
    // and looked for grubx64.efi on the ISO; with root set, it gets the installed ESP's.
    '      set root=$installed',
    '      chainloader /EFI/BOOT/BOOTX64.EFI',
    '    else',
    '      set root=$disk',
    '      chainloader +1',
    '    fi',
    '  }',
    'fi',
    '',
  );
  return lines.join('\n');
}
