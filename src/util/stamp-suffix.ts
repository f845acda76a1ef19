// The suffix `version-stamp: content` adds to a version (docs/versions.md): `-` and the first 12
// lower-case hex digits of a SHA-256. Shared by the stamping and the downgrade guard.

/** Hex digits of the SHA-256 kept in a stamp: 48 bits, so a collision between two builds of one package is not a practical concern. */
export const DIGEST_LENGTH = 12;

const STAMP = new RegExp(`^(.+)-([0-9a-f]{${DIGEST_LENGTH}})$`);

/** The version as declared: a version that ends with a stamp loses it. */
export function declaredVersion(version: string): string {
  return STAMP.exec(version)?.[1] ?? version;
}

export function hasStamp(version: string): boolean {
  return STAMP.test(version);
}
