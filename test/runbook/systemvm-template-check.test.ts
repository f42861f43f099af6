// The management-install step's check of the system VM template the package ships, run as the
// page writes it against a laid-out /usr/share (an overlay in a throwaway mount namespace): a
// missing metadata.ini, a missing or damaged template, and a good one, with md5 (4.20-style)
// and sha512 (4.22-style) checksums in metadata.ini. No CloudStack package is involved.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bundledPlan, environmentOn, runOverlaid, shBlock, stepOf } from './page-script.ts';

const DIR = '/usr/share/cloudstack-management/templates/systemvm';
const FILE = 'systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2';
const CONTENT = 'not a real template, just bytes to checksum\n';

/** metadata.ini in the shape the package installs it (sections per hypervisor and arch). */
function metadata(checksum: string): string {
  return [
    '[default]',
    'version = 4.22.0.0',
    '',
    '[kvm-x86_64]',
    'templatename = systemvm-kvm-4.22.0-x86_64',
    `checksum = ${checksum}`,
    `downloadurl = https://download.cloudstack.org/systemvm/4.22/${FILE}`,
    `filename = ${FILE}`,
    'arch = x86_64',
    'guestos = Debian GNU/Linux 12 (64-bit)',
    '',
    '[kvm-aarch64]',
    'templatename = systemvm-kvm-4.22.0-aarch64',
    'checksum = ',
    'filename = systemvmtemplate-4.22.0-aarch64-kvm.qcow2.bz2',
    '',
  ].join('\n');
}

const digest = (algorithm: string, text = CONTENT) =>
  createHash(algorithm).update(text).digest('hex');

/** Lay out the package's folder (metadata and/or template), then run the step's check. */
function check(files: { metadata?: string; template?: string }) {
  const plan = bundledPlan({});
  const script = shBlock(stepOf(plan, 'management-install'), 1);
  const prepare = [
    `mkdir -p ${DIR}`,
    files.metadata === undefined ? '' : `printf '%s' "$RB_METADATA" > ${DIR}/metadata.ini`,
    files.template === undefined ? '' : `printf '%s' "$RB_TEMPLATE" > ${DIR}/${FILE}`,
  ].join('\n');
  const env = {
    ...environmentOn(plan, plan.machines[0]!.name),
    RB_METADATA: files.metadata ?? '',
    RB_TEMPLATE: files.template ?? '',
  };
  const run = runOverlaid(script, env, ['/usr/share'], prepare);
  run.cleanup();
  return run;
}

describe("management-install checks the package's system VM template", () => {
  it.each([
    ['md5 (as 4.20 packages write it)', digest('md5'), 'md5sum'],
    ['sha512 (as 4.22 builds it from sha512sum.txt)', digest('sha512'), 'sha512sum'],
    ['sha512 with an algorithm prefix', `{SHA-512}${digest('sha512')}`, 'sha512sum'],
  ])('accepts a template whose %s checksum matches', (_what, checksum, tool) => {
    const run = check({ metadata: metadata(checksum), template: CONTENT });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`${FILE} is there and matches its ${tool} checksum`);
  });

  it('fails, naming the file, when the template is missing', () => {
    const run = check({ metadata: metadata(digest('md5')) });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`the system VM template for KVM (${FILE}) is missing from ${DIR}`);
    expect(run.stderr).toMatch(/fix: apt-get install --reinstall cloudstack-management/);
  });

  it('fails when the template is damaged (checksum differs)', () => {
    const run = check({ metadata: metadata(digest('sha512')), template: CONTENT.slice(0, 10) });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `${DIR}/${FILE} does not match the checksum in metadata.ini (sha512sum)`,
    );
  });

  it('fails when the package has no metadata.ini', () => {
    const run = check({ template: CONTENT });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`has no ${DIR}/metadata.ini`);
  });

  it('fails when metadata.ini has no [kvm-x86_64] section', () => {
    const run = check({ metadata: '[default]\nversion = 4.22.0.0\n', template: CONTENT });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('no [kvm-x86_64] filename in metadata.ini');
  });
});
