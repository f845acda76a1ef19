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

  static invalidArg(message: string): FabricHttpError {
    return new FabricHttpError(400, ErrorCode.InvalidArg, message);
  }
}
