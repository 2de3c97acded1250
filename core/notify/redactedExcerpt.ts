/** The most of an answer's body (an HTTP error page, a proxy's) that an error quotes. */
export const EXCERPT_CHARS = 200;

/**
 * The start of `text`, at most EXCERPT_CHARS characters, once `redact` has replaced every secret
 * in it. The whole text is redacted before it is cut: cut first, a secret quoted across the cut
 * would leave a prefix that no longer equals the secret and so survives the redaction.
 *
 * @example
 * redactedExcerpt(`${"-".repeat(190)}/services/T1/B1/secret`, (t) => t.replaceAll("/services/T1/B1/secret", "[webhook]"));
 * // 190 dashes, then "[webhook]"
 */
export function redactedExcerpt(text: string, redact: (text: string) => string): string {
  return redact(text).slice(0, EXCERPT_CHARS);
}
