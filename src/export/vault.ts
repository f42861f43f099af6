// ansible-vault for the Ansible export's secrets: the operator's own tool and password file,
// so the export holds no secret in plain text unless asked for. The text goes through stdin
// and stdout, never a temporary file or a command line.
import { execa } from 'execa';

export const VAULT_HEADER = '$ANSIBLE_VAULT;';

export class VaultError extends Error {}

async function vault(args: string[], input: string): Promise<string> {
  try {
    const r = await execa('ansible-vault', args, {
      input,
      reject: false,
      stripFinalNewline: false,
    });
    if (r.exitCode !== 0)
      throw new VaultError(
        `ansible-vault ${args[0]} failed: ${String(r.stderr).trim().split('\n').at(-1) ?? ''}`,
      );
    return String(r.stdout);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new VaultError(
        'ansible-vault is not installed here (Debian: apt-get install ansible-core)',
      );
    throw err;
  }
}

/** `text` encrypted with the password in `passwordFile` (AES256, as ansible-vault writes it). */
export function vaultEncrypt(text: string, passwordFile: string): Promise<string> {
  return vault(['encrypt', '--vault-password-file', passwordFile, '--output', '-', '-'], text);
}

/** The plain text of a vault file, or undefined when the password does not open it. */
export async function vaultDecrypt(
  encrypted: string,
  passwordFile: string,
): Promise<string | undefined> {
  try {
    return await vault(
      ['decrypt', '--vault-password-file', passwordFile, '--output', '-', '-'],
      encrypted,
    );
  } catch (err) {
    if (err instanceof VaultError && !/not installed/.test(err.message)) return undefined;
    throw err;
  }
}
