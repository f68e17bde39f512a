/**
 * Credentials a URL can carry, taken out of text before it is written anywhere (run.json,
 * findings, report.html, logs, stderr): the user:password of `scheme://user:password@host`
 * (RFC 3986 userinfo), the value of every query parameter (a presigned AWS URL carries
 * X-Amz-Credential, X-Amz-Signature and X-Amz-Security-Token there, SigV4 query authentication),
 * and those three parameters wherever they appear outside a URL.
 */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i;
/** A value ends at the next parameter, the fragment, or the punctuation that closes the sentence around the URL. */
const QUERY_VALUE = /([?&][^=&#]*=)[^&#]*?(?=[&#]|[)\],.;:!?]*$)/g;
const SIGV4_QUERY_VALUE = /\b(X-Amz-(?:Credential|Signature|Security-Token)=)[^&\s"'<>`),;]+/gi;

export const REDACTED = 'REDACTED';

/** `http://auditor:secret@127.0.0.1:4566/?X-Amz-Signature=ab` → `http://127.0.0.1:4566/?X-Amz-Signature=REDACTED`. */
export function withoutUrlCredentials(text: string): string {
  return text
    .replace(URL_IN_TEXT, (url) => url.replace(USERINFO, '$1').replace(QUERY_VALUE, `$1${REDACTED}`))
    .replace(SIGV4_QUERY_VALUE, `$1${REDACTED}`);
}
