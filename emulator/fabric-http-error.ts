// Every protocol error the emulator answers is made here (as Azurite's StorageErrorFactory does),
// so that a status, its Fabric code and whether the answer has a body stay together.
import { ErrorCode } from '../src/protocol/error-codes.js';

/** An answer the emulator gives instead of success: status, Fabric code and, usually, a body. */
export class FabricHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Some gateway answers carry no body at all (404 on listing, 403 on a refused certificate). */
    readonly emptyBody = false
  ) {
    super(message);
  }

  /** 400 E_INVALIDARG: bad api-version or timeout, no such route, a malformed request. */
  static invalidArg(message: string): FabricHttpError {
    return new FabricHttpError(400, ErrorCode.InvalidArg, message);
  }

  /** 404 FABRIC_E_FILE_NOT_FOUND; `emptyBody` for the answers the runtime sends without one. */
  static fileNotFound(message: string, emptyBody = false): FabricHttpError {
    return new FabricHttpError(404, ErrorCode.FileNotFound, message, emptyBody);
  }

  static rangeNotSatisfiable(message: string): FabricHttpError {
    return new FabricHttpError(400, ErrorCode.RangeNotSatisfiable, message);
  }

  static invalidUploadSessionId(id: string): FabricHttpError {
    return new FabricHttpError(400, ErrorCode.InvalidUploadSessionId, `'${id}' is not a GUID`);
  }

  static uploadSessionIdConflict(message: string): FabricHttpError {
    return new FabricHttpError(409, ErrorCode.UploadSessionIdConflict, message);
  }

  static reservedDirectory(storePath: string): FabricHttpError {
    return new FabricHttpError(400, ErrorCode.ReservedDirectory, `'${storePath}' is a reserved folder`);
  }

  static invalidDirectory(message: string): FabricHttpError {
    return new FabricHttpError(400, ErrorCode.InvalidDirectory, message);
  }

  static messageTooLarge(message: string): FabricHttpError {
    return new FabricHttpError(413, ErrorCode.MessageTooLarge, message);
  }

  /** 403 with an empty body: a refused client certificate. */
  static clientCertificateRequired(): FabricHttpError {
    return new FabricHttpError(403, ErrorCode.AccessDenied, 'Client certificate required', true);
  }

  /** 401 for a missing or unknown bearer token. [undoc] The body; clients only rely on the status. */
  static bearerTokenRequired(): FabricHttpError {
    return new FabricHttpError(401, ErrorCode.AccessDenied, 'a bearer token for the cluster is required', true);
  }

  static notPrimary(message: string): FabricHttpError {
    return new FabricHttpError(503, ErrorCode.NotPrimary, message);
  }

  static serviceTooBusy(message: string): FabricHttpError {
    return new FabricHttpError(503, ErrorCode.ServiceTooBusy, message);
  }

  static timeout(message: string): FabricHttpError {
    return new FabricHttpError(504, ErrorCode.Timeout, message);
  }

  /** 500 E_FAIL for anything unexpected (an internal error of the emulator). */
  static from(err: unknown): FabricHttpError {
    if (err instanceof FabricHttpError) return err;
    return new FabricHttpError(500, ErrorCode.Fail, err instanceof Error ? err.message : String(err));
  }
}
