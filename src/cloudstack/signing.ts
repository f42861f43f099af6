// Request signing as CloudStack's ApiServer.verifyRequest checks it: parameter names sorted
// (case-sensitive, as Java's Collections.sort), values encoded like java.net.URLEncoder with
// spaces as %20, the whole string lower-cased, HMAC-SHA1 with the secret key, base64.
import { createHmac } from 'node:crypto';

/**
 * java.net.URLEncoder.encode(value, "UTF-8").replaceAll("\\+", "%20"): everything but
 * `A-Za-z0-9.-*_` is percent-encoded. encodeURIComponent also leaves `!'()~` alone, so those
 * are encoded here by hand to match what the server computes.
 */
export function encodeValue(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()~]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** `k1=v1&k2=v2` with names sorted and values encoded; the form both signed and sent. */
export function canonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k.toLowerCase() !== 'signature')
    .sort()
    .map((k) => `${k}=${encodeValue(params[k]!)}`)
    .join('&');
}

/** The base64 HMAC-SHA1 signature of the parameters (not yet URL-encoded). */
export function computeSignature(params: Record<string, string>, secretKey: string): string {
  return createHmac('sha1', secretKey)
    .update(canonicalQuery(params).toLowerCase(), 'utf8')
    .digest('base64');
}

/** The full query string to send: parameters plus apiKey, response=json and the signature. */
export function signedQuery(
  params: Record<string, string>,
  apiKey: string,
  secretKey: string,
): string {
  const all = { ...params, apiKey, response: 'json' };
  return `${canonicalQuery(all)}&signature=${encodeValue(computeSignature(all, secretKey))}`;
}
