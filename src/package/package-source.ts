// Which local package to upload, and in what form: built once by a front door.
export interface PackageSource {
  /** Absolute local folder of the application package. */
  readonly path: string;
  /** Glob patterns relative to the package folder; `!` excludes. */
  readonly include: readonly string[];
  /** Upload a compressed copy: each Code/Config/Data folder as `<Name>.zip`. */
  readonly compress: boolean;
  /** Leave out the parts whose name and version the cluster already holds for the type. */
  readonly diffPackage: boolean;
  /** `content`: stamp every version with a digest of what it covers (docs/versions.md); absent or `none`: the versions as declared. */
  readonly versionStamp?: 'none' | 'content';
  /** Globs (relative to the package folder) of files left out of the digests; still uploaded. */
  readonly versionStampIgnore?: readonly string[];
}
