// Fabric error codes the project produces or reacts to (protocol reference §3). Codes are an open
// set: clients compare against these but must accept any other string.
export const ErrorCode = {
  InvalidArg: 'E_INVALIDARG',
  AccessDenied: 'E_ACCESSDENIED',
  Fail: 'E_FAIL',
  RangeNotSatisfiable: 'FABRIC_E_UPLOAD_SESSION_RANGE_NOT_SATISFIABLE',
  InvalidUploadSessionId: 'FABRIC_E_INVALID_UPLOAD_SESSION_ID',
  UploadSessionIdConflict: 'FABRIC_E_UPLOAD_SESSION_ID_CONFLICT',
  PathTooLong: 'FABRIC_E_PATH_TOO_LONG',
  InvalidDirectory: 'FABRIC_E_INVALID_DIRECTORY',
  ReservedDirectory: 'FABRIC_E_IMAGEBUILDER_RESERVED_DIRECTORY_ERROR',
  FileNotFound: 'FABRIC_E_FILE_NOT_FOUND',
  DirectoryNotFound: 'FABRIC_E_DIRECTORY_NOT_FOUND',
  MessageTooLarge: 'FABRIC_E_MESSAGE_TOO_LARGE',
  ServiceTooBusy: 'FABRIC_E_SERVICE_TOO_BUSY',
  NotPrimary: 'FABRIC_E_NOT_PRIMARY',
  Timeout: 'FABRIC_E_TIMEOUT'
} as const;

/** The folder mark file: a folder exists for the cluster only when it holds this empty file. */
export const MARK_FILE_NAME = '_.dir';

/** Store roots the cluster refuses to delete or overwrite (compared case-insensitively). */
export const RESERVED_ROOTS = ['Store', 'WindowsFabricStore'];

export function isReservedRoot(storePath: string): boolean {
  const first = storePath.split(/[\\/]/).filter(s => s !== '')[0] ?? '';
  return RESERVED_ROOTS.some(r => r.toLowerCase() === first.toLowerCase());
}
