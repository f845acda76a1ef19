// A shared access signature given by the user: what it allows and until when, read offline from its
// own fields (`sp`, `se`, `sr`/`srt`, `sig`) so that a SAS that cannot work is refused before any request.

export interface SasToken {
  /** The query string without a leading `?`. */
  query: string;
  /** The `sig` value: the secret part, masked on its own as well. */
  signature: string;
  permissions: string;
  expiresOn: Date | undefined;
}

export class SasError extends Error {
  override name = 'SasError';
}

/** `needed`: permission letters (`r` read, `c` create, `w` write, `d` delete). */
export function parseSas(input: string, text: string, needed: { letter: string; why: string }[], now = new Date()): SasToken {
  const query = text.trim().replace(/^\?/, '');
  const params = new URLSearchParams(query);
  const signature = params.get('sig');
  const permissions = params.get('sp');
  if (!signature || !permissions) {
    throw new SasError(
      `'${input}' is not a shared access signature: it lacks '${!signature ? 'sig' : 'sp'}'. Give the SAS token (the query string 'sv=…&sp=…&sig=…').`
    );
  }
  const resource = params.get('sr');
  const accountResources = params.get('srt');
  if (resource !== null && resource !== 'c') {
    throw new SasError(
      `'${input}' is a SAS for ${resource === 'b' ? 'one blob' : `the resource '${resource}'`}: give a container SAS (sr=c) or an account SAS.`
    );
  }
  if (accountResources !== null && !accountResources.includes('o')) {
    throw new SasError(`'${input}' is an account SAS without object access (srt=${accountResources}): it needs 'o' in srt.`);
  }
  const missing = needed.filter(n => !permissions.includes(n.letter));
  if (missing.length > 0) {
    throw new SasError(
      `'${input}' lacks the permission${missing.length > 1 ? 's' : ''} ${missing.map(m => `'${m.letter}' (${m.why})`).join(', ')}: its permissions are '${permissions}'. Create a SAS with sp=${[...new Set([...permissions, ...needed.map(n => n.letter)])].join('')}.`
    );
  }
  const se = params.get('se');
  const expiresOn = se ? new Date(se) : undefined;
  if (expiresOn !== undefined && Number.isNaN(expiresOn.getTime())) throw new SasError(`'${input}' has an expiry (se) that is not a date.`);
  if (expiresOn !== undefined && expiresOn.getTime() <= now.getTime()) {
    throw new SasError(`'${input}' expired at ${expiresOn.toISOString()}: create a new SAS.`);
  }
  return { query, signature, permissions, expiresOn };
}
