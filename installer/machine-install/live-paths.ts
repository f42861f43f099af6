// Where things are on the installer ISO, as the live system sees it (live-boot mounts the
// medium at /run/live/medium). The ISO build (appliance/build-iso.ts) puts them there; the
// machine installer reads them. One list, so both sides agree.
export const LIVE_MEDIUM = '/run/live/medium';
export const LIVE_DIR = 'live';
export const SYSTEM_SQUASHFS = '10-system.squashfs';
export const LIVE_SQUASHFS = '20-live.squashfs';
export const INSTALLER_SQUASHFS = '30-installer.squashfs';
/** The local APT repository and its public key, relative to the medium. */
export const REPO_ON_ISO = 'cloudstack-runbook/apt';
export const KEYRING_ON_ISO = 'cloudstack-runbook/apt/cloudstack-runbook-local.gpg';
/** Identifies the ISO (its build) for GRUB's search and for the installed machines' records. */
export const ISO_MARKER = '.disk/cloudstack-runbook';
/** Left on the ESP of every installed machine; the ISO's GRUB boots that machine's disk when it finds it. */
export const INSTALLED_MARKER = 'EFI/cloudstack-runbook/installed';
