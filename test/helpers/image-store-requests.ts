// Image Store writes with raw HTTP for the conformance suite: a whole file, or one chunk of an
// upload session.
import type { TestEmulator } from './emulator.js';
import { rawRequest } from './raw-http.js';

export function put(emu: TestEmulator, storePath: string, body: string | Buffer, query: Record<string, string> = {}) {
  return rawRequest('PUT', emu.storeUrl(storePath, query), { body });
}

export function chunk(emu: TestEmulator, storePath: string, sessionId: string, range: string, body: Buffer | string) {
  return rawRequest('PUT', emu.storeUrl(`${storePath}/$/UploadChunk`, { 'session-id': sessionId }), {
    body,
    headers: { 'Content-Range': range }
  });
}
