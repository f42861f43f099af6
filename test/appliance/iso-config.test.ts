// The ISO's config file and the preseed made from it: every debian-installer question answered
// except the static address, the runbook's disk layout, and one clear message per bad field.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadIsoConfig } from '../../appliance/iso/config.ts';
import { lateScript, preseed } from '../../appliance/iso/preseed.ts';
import { grubCfg, isolinuxCfg } from '../../appliance/iso/boot-config.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'iso-config-'));
const shipped = loadIsoConfig(path.join('appliance', 'iso', 'config.yaml'));

function configFile(text: string): string {
  const file = path.join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  return file;
}

describe('ISO config file', () => {
  it('ships the runbook defaults and no key', () => {
    expect(shipped).toMatchObject({
      hostname: 'cloudstack-mgmt',
      network: { gateway: '172.16.10.1', netmask: '255.255.255.0' },
      authorizedKeys: [],
    });
  });

  it('names each bad field with what to write instead', () => {
    const file = configFile(
      'network: { netmask: 255.255.255.0, gateway: 172.16.10, dns: [] }\nauthorizedKeys: ["not a key"]\nhostname: Bad_Name\n',
    );
    let message = '';
    try {
      loadIsoConfig(file);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(`${file}: network.gateway: must be an IPv4 address`);
    expect(message).toContain(`${file}: network.dns: needs at least one name server`);
    expect(message).toContain(`${file}: authorizedKeys.0: must be one OpenSSH public key line`);
    expect(message).toContain(`${file}: hostname: must be a host name`);
  });

  it('refuses keys it does not know, naming them', () => {
    expect(() =>
      loadIsoConfig(
        configFile(
          'network: { netmask: 255.255.255.0, gateway: 172.16.10.1, dns: [172.16.10.1] }\ngatway: 1.2.3.4\n',
        ),
      ),
    ).toThrow(/gatway/);
  });
});

describe('preseed', () => {
  const text = preseed(shipped, '$6$salt$hash');
  const answered = new Set(
    [...text.matchAll(/^(?:d-i|tasksel|popularity-contest) (\S+) /gm)].map((m) => m[1]),
  );

  it('answers the network questions except the address, which the console asks', () => {
    for (const q of [
      'netcfg/get_netmask',
      'netcfg/get_gateway',
      'netcfg/get_nameservers',
      'netcfg/confirm_static',
      'netcfg/get_hostname',
      'netcfg/get_domain',
      'netcfg/disable_autoconfig',
    ])
      expect(answered).toContain(q);
    expect(answered).not.toContain('netcfg/get_ipaddress');
  });

  it('answers locale, mirror, accounts, clock, disk, packages and boot loader', () => {
    for (const q of [
      'debian-installer/locale',
      'keyboard-configuration/xkb-keymap',
      'mirror/http/hostname',
      'passwd/root-password-crypted',
      'passwd/make-user',
      'time/zone',
      'partman-auto/method',
      'partman/confirm',
      'partman-lvm/confirm',
      'tasksel/first',
      'grub-installer/bootdev',
      'preseed/late_command',
      'debian-installer/exit/poweroff',
    ]) {
      expect(answered).toContain(q);
    }
    expect(text).toContain('$6$salt$hash');
  });

  it('lays the disk out as the runbook prescribes: LVM with a separate volume at /export/primary', () => {
    const recipe = /partman-auto\/expert_recipe string (.*)$/m.exec(text)?.[1] ?? '';
    expect(recipe).toMatch(/lv_name\{ primary \}[^.]*mountpoint\{ \/export\/primary \}/);
    expect(recipe).toMatch(/lv_name\{ root \}[^.]*mountpoint\{ \/ \}/);
    expect(recipe).toContain('method{ biosgrub }');
    expect(recipe).toContain('method{ efi }');
    expect(text).toContain('d-i partman-auto/method string lvm');
  });

  it('installs the bundle, the key and the first-boot wizard, and locks the root password', () => {
    const late = lateScript();
    expect(late).toContain('/target');
    expect(late).toContain('passwd -l root');
    expect(late).toContain('systemctl enable cloudstack-runbook-wizard.service');
    expect(late).toContain('/root/.ssh/authorized_keys');
  });

  it('boots the same installer from isolinux (BIOS) and GRUB (UEFI)', () => {
    expect(isolinuxCfg()).toContain('append initrd=/install/initrd.gz --- quiet');
    expect(grubCfg()).toContain('linux /install/vmlinuz --- quiet');
    expect(grubCfg()).toContain('initrd /install/initrd.gz');
  });
});
