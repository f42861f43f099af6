// CloudStack's error shape turned into one clear message: error code, API, parameter at fault.
// Every text that leaves this module is passed through redact(): no key, signature, password
// or session key ever reaches a log or a terminal.

/** Error codes CloudStack answers with (ApiErrorCode). */
export const ERROR_CODES: Record<number, string> = {
  401: 'unauthorized',
  405: 'method not allowed',
  429: 'API limit exceeded',
  430: 'malformed parameter',
  431: 'parameter error',
  432: 'unsupported action',
  511: 'two-factor authentication required',
  530: 'internal error',
  531: 'account error',
  532: 'account resource limit',
  533: 'insufficient capacity',
  534: 'resource unavailable',
  535: 'resource allocation error',
  536: 'resource in use',
  537: 'network rule conflict',
};

const SENSITIVE = [
  'apikey',
  'signature',
  'password',
  'currentpassword',
  'sessionkey',
  'secretkey',
  'usersecretkey',
  'userapikey',
  'jsessionid',
];

export function isSensitiveName(name: string): boolean {
  return SENSITIVE.includes(name.toLowerCase());
}

/** Hide secret values in any text: query strings, JSON bodies, cookies. */
export function redact(text: string, extraSecrets: string[] = []): string {
  let out = text;
  const names = SENSITIVE.join('|');
  // key=value in query strings and cookies
  out = out.replace(new RegExp(`\\b(${names})=([^&\\s;"']*)`, 'gi'), '$1=<redacted>');
  // "key":"value" in JSON
  out = out.replace(new RegExp(`"(${names})"\\s*:\\s*"[^"]*"`, 'gi'), '"$1":"<redacted>"');
  for (const secret of extraSecrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('<redacted>');
  }
  return out;
}

/** Texts of 530 answers that come from a momentary condition, worth another try. */
const TRANSIENT_TEXT =
  /timed? ?out|temporar|try again|connection refused|deadlock|lock wait|too many connections|is starting|not ready/i;

export class CloudStackError extends Error {
  readonly api: string;
  readonly errorCode: number;
  readonly csErrorCode?: number;
  readonly errorText: string;
  readonly param?: string;
  /** True when the same request may succeed later (network trouble, a transient 530). */
  readonly transient: boolean;

  constructor(opts: {
    api: string;
    errorCode: number;
    errorText: string;
    csErrorCode?: number;
    param?: string;
    transient?: boolean;
  }) {
    const text = redact(opts.errorText);
    const param = opts.param ?? paramAtFault(text);
    const kind = ERROR_CODES[opts.errorCode] ?? 'error';
    super(
      `${opts.api} failed: CloudStack error ${opts.errorCode} (${kind})` +
        (param ? `, parameter "${param}"` : '') +
        `: ${text}`,
    );
    this.name = 'CloudStackError';
    this.api = opts.api;
    this.errorCode = opts.errorCode;
    this.csErrorCode = opts.csErrorCode;
    this.errorText = text;
    this.param = param;
    this.transient =
      opts.transient ??
      (opts.errorCode === 429 || (opts.errorCode === 530 && TRANSIENT_TEXT.test(text)));
  }
}

/** CloudStack names the parameter in its texts as "missing parameter X" / "for parameter X". */
function paramAtFault(text: string): string | undefined {
  const m =
    /(?:missing parameter|for parameter|invalid parameter|unknown parameter|parameter)\s+"?([A-Za-z][A-Za-z0-9]*(?:\[\d+\]\.[A-Za-z0-9]+)?)"?/i.exec(
      text,
    );
  return m?.[1];
}

/**
 * Whether a failed request reached the server: `no` (refused, unroutable, TLS refused: nothing
 * was sent, sending again is safe) or `maybe` (reset, hang-up, timeout after it left: the
 * server may be working on it, so a create must be looked up before it is sent again).
 */
export type Delivery = 'no' | 'maybe';

/** A request that never got a CloudStack answer (refused, reset, TLS, bad gateway). */
export class TransportError extends Error {
  readonly transient: boolean;
  readonly code?: string;
  readonly delivered: Delivery;
  constructor(message: string, opts: { transient: boolean; code?: string; delivered?: Delivery }) {
    super(redact(message));
    this.name = 'TransportError';
    this.transient = opts.transient;
    this.code = opts.code;
    this.delivered = opts.delivered ?? 'no';
  }
}

/**
 * A create/add/update whose request left but whose answer never came (timeout, lost
 * connection): CloudStack may have done it, may still be doing it, or may not have got it.
 */
export class OutcomeUnknownError extends TransportError {
  readonly api: string;
  /** When the request was sent (the server may work on it for its whole timeout from then). */
  readonly sentAt: number;
  constructor(api: string, cause: TransportError, sentAt: number) {
    super(
      `${api}: ${cause.message}; CloudStack may still be working on it, so it is not sent again blindly`,
      { transient: false, code: cause.code, delivered: 'maybe' },
    );
    this.name = 'OutcomeUnknownError';
    this.api = api;
    this.sentAt = sentAt;
  }
}

/** Whether an error is worth retrying with backoff. */
export function isTransient(err: unknown): boolean {
  return (err instanceof CloudStackError || err instanceof TransportError) && err.transient;
}
