// api-version handling as the runtime does it: a `-preview` suffix is ignored, and a version
// outside [route minimum, runtime version] is refused with 400 E_INVALIDARG. The `timeout` query
// parameter is checked here too, since every route takes both.
import { FabricHttpError } from './fabric-http-error.js';

export type ApiVersion = [major: number, minor: number];

const API_VERSION = /^(\d+)\.(\d+)(-preview(\.\d+)?)?$/i;

export function parseApiVersion(text: string | null | undefined): ApiVersion | undefined {
  const m = text ? API_VERSION.exec(text.trim()) : null;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export function compareApiVersions(a: ApiVersion, b: ApiVersion): number {
  return a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1];
}

export function formatApiVersion(v: ApiVersion): string {
  return `${v[0]}.${v[1]}`;
}

/** Refuses (400 E_INVALIDARG) a missing api-version, or one outside [min, max]. */
export function checkApiVersion(query: URLSearchParams, min: ApiVersion, max: ApiVersion): void {
  const text = query.get('api-version');
  const v = parseApiVersion(text);
  if (!v) throw FabricHttpError.invalidArg(`api-version '${text ?? ''}' is missing or not a version`);
  if (compareApiVersions(v, min) < 0 || compareApiVersions(v, max) > 0) {
    throw FabricHttpError.invalidArg(`api-version ${text} is not supported here: this route takes ${formatApiVersion(min)} to ${formatApiVersion(max)}`);
  }
}

/** Refuses (400 E_INVALIDARG) a `timeout` that is not a whole number of seconds from 1 to 4294967295. */
export function checkTimeout(query: URLSearchParams): void {
  const text = query.get('timeout');
  if (text === null) return;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 4294967295) {
    throw FabricHttpError.invalidArg(`timeout '${text}' must be a whole number of seconds from 1 to 4294967295`);
  }
}
