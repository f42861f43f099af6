// API keys live in the state file's `secrets` map (mode 0600, redacted wherever secrets
// are), under these two names. The executor may keep the state in memory and implement
// CredentialStore itself; commands that only read (api, verify) use this file-backed one.
import { readState, writeState } from '../state/store.ts';
import type { ApiKeys } from './client.ts';
import type { CredentialStore } from './first-contact.ts';

export const API_KEY_SECRET = 'CLOUDSTACK_API_KEY';
export const SECRET_KEY_SECRET = 'CLOUDSTACK_SECRET_KEY';

export function keysFromSecrets(secrets: Record<string, string>): ApiKeys | undefined {
  const apiKey = secrets[API_KEY_SECRET];
  const secretKey = secrets[SECRET_KEY_SECRET];
  return apiKey && secretKey ? { apiKey, secretKey } : undefined;
}

/** A CredentialStore over the state file; saving re-reads first so nothing else is lost. */
export function stateFileCredentials(stateFile: string): CredentialStore {
  return {
    apiKeys: () => keysFromSecrets(readState(stateFile).secrets),
    saveApiKeys: (keys) => {
      const state = readState(stateFile);
      state.secrets[API_KEY_SECRET] = keys.apiKey;
      state.secrets[SECRET_KEY_SECRET] = keys.secretKey;
      writeState(stateFile, state);
    },
    secret: (name) => readState(stateFile).secrets[name],
  };
}
