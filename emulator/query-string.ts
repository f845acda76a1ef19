// The query string as the gateway reads it: split at `&` and at the first `=`, each name and value
// percent-decoded as UTF-8. [undoc] `+` is kept as a plus sign, not read as a space (the gateway
// splits the query itself rather than decoding a form; sfctl and this action send a space as %20),
// so a client that encodes a space as `+` finds its value changed, as it would on a cluster. A
// repeated name keeps its first value, as the gateway does. Bad percent-encoding is refused.
import { FabricHttpError } from './fabric-http-error.js';

export function parseGatewayQuery(search: string): URLSearchParams {
  const query = new URLSearchParams();
  const text = search.startsWith('?') ? search.slice(1) : search;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    const [rawName, rawValue] = at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent(rawName);
      value = decodeURIComponent(rawValue);
    } catch {
      throw FabricHttpError.invalidArg(`the query parameter '${rawName}' is not valid percent-encoding`);
    }
    if (!query.has(name)) query.append(name, value);
  }
  return query;
}
