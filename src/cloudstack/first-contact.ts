// First contact with a fresh management server: wait for the API, log in with the default
// admin password, set the generated one, create API keys and keep them. Every later call is
// signed. A resumed run (keys kept, or the password already changed) does only what is left.
import { CloudStackClient, sleep, type ApiKeys } from './client.ts';
import { CloudStackError, TransportError } from './errors.ts';
import { send } from './http.ts';
import { startWait, type Progress } from './progress.ts';
import { isObject } from './response.ts';

/** What the installer's state gives the API phase; see src/state/ (or the JSON in the report). */
export interface CredentialStore {
  /** Stored API keys, if any. */
  apiKeys(): ApiKeys | undefined;
  /** Keep keys for later runs (the state file, mode 0600). */
  saveApiKeys(keys: ApiKeys): void | Promise<void>;
  /** A generated secret such as ADMIN_PASSWORD. */
  secret(name: string): string | undefined;
}

export const DEFAULT_ADMIN = { username: 'admin', password: 'password', domain: '/' } as const;

export interface WaitOptions {
  timeoutMs?: number;
  log?: (line: string) => void;
  signal?: AbortSignal;
  caFile?: string;
  /** First pause between tries; doubled up to maxMs. */
  initialMs?: number;
  maxMs?: number;
  /** Reported once the wait for a starting API lasts (every 5 s). */
  progress?: Progress;
}

/**
 * Poll until the endpoint answers like CloudStack (any JSON envelope, even "401 unable to
 * verify user credentials" means the API is up). Connection refused, 404 or 503 while
 * Tomcat/Jetty starts mean: not yet.
 */
export async function waitForApi(client: CloudStackClient, opts: WaitOptions = {}): Promise<void> {
  const waiting = startWait(
    opts.progress,
    `waiting for the CloudStack API at ${client.url.host} to come up`,
    { everyMs: 5000, immediate: false },
  );
  try {
    await pollUntilUp(client, opts);
  } finally {
    waiting.stop();
  }
}

async function pollUntilUp(client: CloudStackClient, opts: WaitOptions): Promise<void> {
  const started = Date.now();
  const timeoutMs = opts.timeoutMs ?? 15 * 60_000;
  let wait = opts.initialMs ?? 2000;
  let lastReason: string;
  for (let attempt = 1; ; attempt++) {
    const url = new URL(client.url);
    url.search = 'command=listCapabilities&response=json';
    try {
      const answer = await send({
        method: 'GET',
        url,
        caFile: opts.caFile,
        signal: opts.signal,
        timeoutMs: 10_000,
      });
      if (answer.headers['x-simulator'] !== undefined) client.simulated = true;
      try {
        if (isObject(JSON.parse(answer.body))) {
          if (attempt > 1)
            opts.log?.(
              `the API at ${client.url.host} answers (after ${Math.round((Date.now() - started) / 1000)}s)`,
            );
          return;
        }
      } catch {
        /* not JSON yet */
      }
      lastReason = `HTTP ${answer.status}`;
    } catch (err) {
      if (err instanceof TransportError && !err.transient) throw err;
      if (!(err instanceof TransportError)) throw err;
      lastReason = err.message;
    }
    const elapsed = Date.now() - started;
    if (elapsed + wait > timeoutMs) {
      throw new TransportError(
        `the CloudStack API at ${client.url.href} did not come up within ${Math.round(timeoutMs / 1000)}s (last: ${lastReason}); look at "systemctl status cloudstack-management" and /var/log/cloudstack/management/management-server.log`,
        { transient: false },
      );
    }
    opts.log?.(
      `waiting for the API at ${client.url.host} (${Math.round(elapsed / 1000)}s so far: ${lastReason})`,
    );
    await sleep(wait, opts.signal);
    wait = Math.min(wait * 2, opts.maxMs ?? 15_000);
  }
}

function isAuthFailure(err: unknown): boolean {
  return (
    err instanceof CloudStackError &&
    (err.errorCode === 401 || err.errorCode === 531 || err.errorCode === 432)
  );
}

export interface FirstContactResult {
  /** True when anything changed on the server (password set or keys created). */
  changed: boolean;
  keys: ApiKeys;
}

/**
 * Make sure the client holds API keys: the stored ones, or new ones made through a login.
 * The admin password becomes ADMIN_PASSWORD when the default one still works.
 */
export async function ensureApiKeys(
  client: CloudStackClient,
  store: CredentialStore,
  opts: WaitOptions = {},
): Promise<FirstContactResult> {
  const stored = store.apiKeys();
  if (stored) {
    client.useKeys(stored);
    return { changed: false, keys: stored };
  }
  const adminPassword = store.secret('ADMIN_PASSWORD');
  if (!adminPassword)
    throw new Error(
      'no ADMIN_PASSWORD secret in the state file; run the installer from the start (it generates the secrets)',
    );
  await waitForApi(client, opts);

  let changed = false;
  let login;
  try {
    login = await client.login(
      DEFAULT_ADMIN.username,
      DEFAULT_ADMIN.password,
      DEFAULT_ADMIN.domain,
    );
    opts.log?.(
      'logged in with the default admin password; setting the generated one (ADMIN_PASSWORD)',
    );
    await client.call('updateUser', {
      id: String(login.userid),
      password: adminPassword,
      currentpassword: DEFAULT_ADMIN.password,
    });
    changed = true;
  } catch (err) {
    if (!isAuthFailure(err) || login) throw err;
    try {
      login = await client.login(DEFAULT_ADMIN.username, adminPassword, DEFAULT_ADMIN.domain);
      opts.log?.('the admin password was set by an earlier run; logged in with ADMIN_PASSWORD');
    } catch (err2) {
      if (!isAuthFailure(err2)) throw err2;
      throw new Error(
        'cannot log in as admin: neither the default password nor ADMIN_PASSWORD from the state file is accepted. Set the admin password to ADMIN_PASSWORD in the UI, or put existing API keys into the state file.',
        { cause: err2 },
      );
    }
  }
  const userId = String(login.userid);
  let keys = await currentKeys(client, userId);
  if (!keys) {
    opts.log?.('registering API keys for admin');
    await client.call('registerUserKeys', { id: userId });
    keys = await currentKeys(client, userId);
    changed = true;
  }
  if (!keys) throw new Error('registerUserKeys succeeded but getUserKeys returned no secret key');
  await store.saveApiKeys(keys);
  await client.logout().catch(() => undefined);
  client.useKeys(keys);
  opts.log?.('API keys stored in the state file; signed requests from now on');
  return { changed, keys };
}

async function currentKeys(client: CloudStackClient, userId: string): Promise<ApiKeys | undefined> {
  const result = await client.call('getUserKeys', { id: userId });
  if (
    isObject(result) &&
    typeof result.apikey === 'string' &&
    typeof result.secretkey === 'string' &&
    result.apikey &&
    result.secretkey
  ) {
    return { apiKey: result.apikey, secretKey: result.secretkey };
  }
  return undefined;
}
