// api-version handling as the runtime does it: a `-preview` suffix is ignored, and a version
// outside [route minimum, runtime version] is refused with 400 E_INVALIDARG.

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
