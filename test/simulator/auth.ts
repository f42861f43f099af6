// Authentication as CloudStack's ApiServer does it: a signed request (apiKey + signature over
// the sorted, URL-encoded, lower-cased parameters, HMAC-SHA1 with the user's secret key), or
// a logged-in session (sessionkey parameter matching the JSESSIONID cookie's session).
// Written independently of src/cloudstack/signing.ts so the two check each other.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Cloud, User } from './model.ts';

/** java.net.URLEncoder: only A-Z a-z 0-9 . - * _ stay; space becomes + (CloudStack then uses %20). */
export function javaUrlEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9.\-*_]/.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

export function expectedSignature(params: Record<string, string>, secret: string): string {
  const names = Object.keys(params).filter((n) => n.toLowerCase() !== 'signature');
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const unsigned = names
    .map((n) => `${n}=${javaUrlEncode(params[n]!).replace(/\+/g, '%20')}`)
    .join('&')
    .toLowerCase();
  return createHmac('sha1', secret).update(unsigned, 'utf8').digest('base64');
}

export interface Session {
  id: string;
  key: string;
  user: User;
}

export class Sessions {
  private readonly byId = new Map<string, Session>();

  open(user: User): Session {
    const session = {
      id: randomBytes(16).toString('hex').toUpperCase(),
      key: randomBytes(20).toString('base64url'),
      user,
    };
    this.byId.set(session.id, session);
    return session;
  }

  close(id: string): void {
    this.byId.delete(id);
  }

  get(id: string | undefined): Session | undefined {
    return id ? this.byId.get(id) : undefined;
  }
}

function paramCI(params: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(params).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : params[key];
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/** The user a request acts as, or undefined when it is neither correctly signed nor in a session. */
export function authenticate(
  cloud: Cloud,
  sessions: Sessions,
  params: Record<string, string>,
  cookie: string | undefined,
): User | undefined {
  const sessionKey = paramCI(params, 'sessionkey');
  if (sessionKey !== undefined) {
    const session = sessions.get(cookieValue(cookie, 'JSESSIONID'));
    if (!session) return undefined;
    const a = Buffer.from(session.key);
    const b = Buffer.from(sessionKey);
    return a.length === b.length && timingSafeEqual(a, b) ? session.user : undefined;
  }
  const apiKey = paramCI(params, 'apiKey');
  const signature = paramCI(params, 'signature');
  if (!apiKey || !signature) return undefined;
  const user = cloud.users.find((u) => u.apikey === apiKey);
  if (!user?.secretkey) return undefined;
  if (paramCI(params, 'signatureVersion') === '3') {
    const expires = paramCI(params, 'expires');
    if (!expires || !(Date.parse(expires.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')) > Date.now()))
      return undefined;
  }
  const a = Buffer.from(expectedSignature(params, user.secretkey));
  const b = Buffer.from(signature);
  return a.length === b.length && timingSafeEqual(a, b) ? user : undefined;
}
