// JSON models of the Image Store REST API (protocol reference §2). Every 64-bit integer travels
// as a JSON string; clients must also accept plain numbers.

export type Int64 = string;

export interface FileVersion {
  VersionNumber: Int64;
  EpochDataLossNumber: Int64;
  EpochConfigurationNumber: Int64;
}

export interface FileInfo {
  FileSize: Int64;
  StoreRelativePath: string;
  ModifiedDate: string;
  FileVersion: FileVersion;
}

export interface FolderInfo {
  StoreRelativePath: string;
  /** Recursive count of the files beneath the folder. */
  FileCount: Int64;
}

export interface ImageStoreContent {
  StoreFiles?: FileInfo[];
  StoreFolders?: FolderInfo[];
  ContinuationToken?: string;
}

export interface UploadSessionRange {
  StartPosition: Int64;
  EndPosition: Int64;
}

export interface UploadSessionInfo {
  StoreRelativePath: string;
  SessionId: string;
  ModifiedDate: string;
  FileSize: Int64;
  /** Byte ranges not yet received, both ends inclusive. */
  ExpectedRanges: UploadSessionRange[];
}

export interface UploadSession {
  UploadSessions: UploadSessionInfo[];
}

export interface FolderSizeInfo {
  StoreRelativePath: string;
  FolderSize: Int64;
}

export interface UsageInfo {
  UsedSpace: Int64;
  FileCount: Int64;
}

export interface ImageStoreInfo {
  DiskInfo: { Capacity: Int64; AvailableSpace: Int64 };
  UsedByMetadata: UsageInfo;
  UsedByStaging: UsageInfo;
  UsedByCopy: UsageInfo;
  UsedByRegister: UsageInfo;
}

export interface ImageStoreCopyDescription {
  RemoteSource: string;
  RemoteDestination: string;
  SkipFiles?: string[];
  CheckMarkFile?: boolean;
}

export interface FabricError {
  Error: { Code: string; Message: string };
}

export interface AadMetadata {
  authority: string;
  client: string;
  cluster: string;
  login: string;
  redirect: string;
  tenant: string;
}

export interface AadMetadataObject {
  type: string;
  metadata?: AadMetadata;
}

/** Parses a 64-bit integer field that may arrive as a string or a number. */
export function parseInt64(value: unknown, field: string): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new Error(`expected a non-negative integer in ${field}, got ${JSON.stringify(value)}`);
  }
  return n;
}
