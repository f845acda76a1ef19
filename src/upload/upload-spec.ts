// Where the package goes in the Image Store, and how: built once by a front door.
export const OVERWRITE_MODES = ['replace', 'merge', 'skip', 'fail'] as const;
export type OverwriteMode = (typeof OVERWRITE_MODES)[number];

export interface UploadSpec {
  /**
   * Destination folder in the store, `a/b` form; '' when not set: the core derives it from
   * ApplicationManifest.xml once the package is validated (src/core/default-destination.ts).
   */
  readonly imageStorePath: string;
  readonly overwrite: OverwriteMode;
  /** Files larger than this go through an upload session, in chunks of this size. */
  readonly chunkSize: number;
  /** Most requests in flight at once. */
  readonly concurrency: number;
  /** Store path to copy the upload to, or undefined. */
  readonly copyTo: string | undefined;
  /** Store paths deleted after a successful upload. */
  readonly cleanupPaths: readonly string[];
  readonly dryRun: boolean;
}
