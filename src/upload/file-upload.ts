// One package file into the store: by a single PUT, or through an upload session in chunks, with
// the recovery a session needs (protocol reference §4): a chunk whose answer was lost, a session
// lost in a failover or recreated with ranges missing, a commit whose answer was lost.
import { randomUUID } from 'node:crypto';
import { ImageStoreError } from '../cluster/errors.js';
import type { ImageStoreClient } from '../cluster/store-client.js';
import type { PackageFile } from '../package/package-scan.js';
import { type ByteRange, overlaps, splitIntoChunks } from '../protocol/byte-ranges.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { parseInt64, type UploadSessionInfo } from '../protocol/models.js';
import { inParallel } from '../util/concurrency.js';
import { fileRangeBody } from './file-range-body.js';
import type { SessionCapability } from './session-capability.js';
import { StoppedError } from './upload-failures.js';
import type { UploadProgress } from './upload-progress.js';
import type { Reporter } from '../util/reporter.js';

/**
 * How often a file's upload session may be lost (failover, expiry) or come back incomplete
 * before the file is given up.
 */
export const MAX_SESSION_RECOVERIES = 5;
/** The gateway reads Content-Length as 32 bits. */
const MAX_SINGLE_PUT_BYTES = 2 ** 32 - 1;

export interface FileUploadContext {
  client: ImageStoreClient;
  chunkSize: number;
  /** Chunks of one file in flight at once (the client's limiter bounds the whole run). */
  concurrency: number;
  /** The destination was empty: a file found there after a lost commit answer can only be ours. */
  destinationEmpty: boolean;
  progress: UploadProgress;
  sessions: SessionCapability;
  /** Sessions not yet committed, deleted if the run fails. */
  openSessions: Set<string>;
  stopped: () => boolean;
  reporter: Reporter;
}

/** The session is gone from the cluster (failover, expiry): the file starts again with a new one. */
class SessionLostError extends Error {}

type CommitOutcome = { done: true } | { done: false; expected: ByteRange[] };

/** Uploads one file; returns how it went in. */
export async function uploadPackageFile(ctx: FileUploadContext, file: PackageFile, storePath: string): Promise<'single-put' | 'session'> {
  if (file.size <= ctx.chunkSize) {
    await uploadWhole(ctx, file, storePath);
    return 'single-put';
  }
  return uploadThroughSessions(ctx, file, storePath);
}

async function uploadWhole(ctx: FileUploadContext, file: PackageFile, storePath: string): Promise<void> {
  if (file.size > MAX_SINGLE_PUT_BYTES) {
    throw new Error(
      `upload file '${storePath}' is not possible: the cluster has no upload sessions and a single PUT cannot carry 4 GiB or more (the file has ${file.size} bytes).`
    );
  }
  const body = file.size === 0 ? Buffer.alloc(0) : fileRangeBody(file.localPath, { start: 0, end: file.size - 1 });
  await ctx.client.uploadFile(storePath, body);
  ctx.progress.bytesDone += file.size;
}

function rangesOf(session: UploadSessionInfo): ByteRange[] {
  return session.ExpectedRanges.map(r => ({
    start: parseInt64(r.StartPosition, 'StartPosition'),
    end: parseInt64(r.EndPosition, 'EndPosition')
  }));
}

async function uploadThroughSessions(ctx: FileUploadContext, file: PackageFile, storePath: string): Promise<'single-put' | 'session'> {
  let decision = await ctx.sessions.decide();
  let recoveries = 0;
  const recover = (what: string) => {
    if (++recoveries > MAX_SESSION_RECOVERIES) {
      throw new Error(
        `upload file '${storePath}' failed: its upload session was lost or came back incomplete ${MAX_SESSION_RECOVERIES} times (the cluster's Image Store primary moved, or the session expired). Try again; if it keeps happening, check the cluster's health.`
      );
    }
    ctx.reporter.info(`The upload session of '${storePath}' ${what}.`);
  };
  for (;;) {
    if (decision === 'single-put') {
      await uploadWhole(ctx, file, storePath);
      return 'single-put';
    }
    const sessionId = randomUUID();
    ctx.openSessions.add(sessionId);
    let progressCounted = 0;
    const sendChunk = async (range: ByteRange) => {
      await sendOneChunk(ctx.reporter, ctx.client, file, storePath, sessionId, range);
      const n = range.end - range.start + 1;
      progressCounted += n;
      ctx.progress.bytesDone += n;
    };
    try {
      let todo = splitIntoChunks([{ start: 0, end: file.size - 1 }], ctx.chunkSize);
      if (decision === 'probe') {
        // The first chunk goes alone: a cluster without sessions refuses it with 400 E_INVALIDARG.
        const [first, ...rest] = todo;
        if (first) {
          let outcome: boolean | undefined;
          try {
            await sendChunk(first);
            outcome = true;
          } catch (err) {
            if (err instanceof ImageStoreError && err.is(400, ErrorCode.InvalidArg)) outcome = false;
            else throw err;
          } finally {
            ctx.sessions.probed(outcome);
          }
          if (!outcome) {
            ctx.openSessions.delete(sessionId);
            await uploadWhole(ctx, file, storePath);
            return 'single-put';
          }
        }
        decision = 'sessions';
        todo = rest;
      }
      const priorVersion = ctx.destinationEmpty ? undefined : (await ctx.client.getFileInfo(storePath))?.FileVersion?.VersionNumber;
      for (;;) {
        await inParallel(todo, ctx.concurrency, sendChunk, ctx.stopped);
        if (ctx.stopped()) throw new StoppedError();
        const outcome = await commit(ctx.reporter, ctx.client, sessionId, storePath, file.size, priorVersion);
        if (outcome.done) break;
        // The cluster still expects ranges (a session recreated after a failover): send those.
        const lostBytes = outcome.expected.reduce((n, r) => n + r.end - r.start + 1, 0);
        recover(`lost ${lostBytes} bytes on the cluster; sending them again`);
        progressCounted -= lostBytes;
        ctx.progress.bytesDone -= lostBytes;
        todo = splitIntoChunks(outcome.expected, ctx.chunkSize);
      }
      ctx.openSessions.delete(sessionId);
      return 'session';
    } catch (err) {
      if (!(err instanceof SessionLostError)) throw err;
      ctx.openSessions.delete(sessionId);
      ctx.progress.bytesDone -= progressCounted;
      recover('was lost on the cluster; starting that file again with a new session');
      // A probe that ended undecided handed the probe on: ask again.
      if (decision === 'probe') decision = await ctx.sessions.decide();
    }
  }
}

/**
 * Sends one chunk. A re-sent chunk whose first attempt arrived (only its answer was lost) is
 * refused with RANGE_NOT_SATISFIABLE: then the session says whether those bytes are still
 * expected.
 */
async function sendOneChunk(log: Reporter, client: ImageStoreClient, file: PackageFile, storePath: string, sessionId: string, range: ByteRange): Promise<void> {
  try {
    await client.uploadChunk(storePath, sessionId, range, file.size, fileRangeBody(file.localPath, range));
  } catch (err) {
    if (!(err instanceof ImageStoreError && err.is(400, ErrorCode.RangeNotSatisfiable))) throw err;
    const session = await client.getUploadSession(sessionId, storePath);
    if (!session) {
      log.debug(`chunk ${range.start}-${range.end} of '${storePath}' refused and its session is gone: the session was lost`);
      throw new SessionLostError();
    }
    const stillExpected = rangesOf(session).some(r => overlaps(range, r));
    log.debug(
      `chunk ${range.start}-${range.end} of '${storePath}' refused as already sent; the session ${stillExpected ? 'still expects it: a real refusal' : 'has it: only the answer was lost'}`
    );
    if (stillExpected) throw err;
  }
}

/**
 * Commits a session. Only 400 E_INVALIDARG can mean that the commit did not happen for a reason
 * we can repair (protocol reference §4): ranges still missing (the session was recreated after a
 * failover), the session is gone (failover, expiry), or an earlier attempt of this commit
 * succeeded and only its answer was lost. The session and the store tell which. Any other refusal
 * fails the file at once.
 */
async function commit(
  log: Reporter,
  client: ImageStoreClient,
  sessionId: string,
  storePath: string,
  size: number,
  priorVersion: string | undefined
): Promise<CommitOutcome> {
  try {
    await client.commitUploadSession(sessionId, storePath);
    return { done: true };
  } catch (err) {
    if (!(err instanceof ImageStoreError && err.is(400, ErrorCode.InvalidArg))) throw err;
    const session = await client.getUploadSession(sessionId, storePath);
    if (session) {
      const expected = rangesOf(session);
      log.debug(`commit of '${storePath}' refused; its session still expects ${expected.length} range(s)`);
      if (expected.length === 0) throw err;
      return { done: false, expected };
    }
    // Only an attempt that got no answer can have committed the file behind our back.
    const earlierAttemptUnanswered = err.detail.attempts > 1;
    if (earlierAttemptUnanswered) {
      const stored = await client.getFileInfo(storePath);
      const committed =
        stored !== undefined &&
        parseInt64(stored.FileSize, 'FileSize') === size &&
        (priorVersion === undefined || stored.FileVersion?.VersionNumber !== priorVersion);
      log.debug(
        `commit of '${storePath}' refused after an unanswered attempt; the store ${committed ? 'holds the file: the answer was lost' : 'does not hold it'}`
      );
      if (committed) return { done: true };
    } else {
      log.debug(`commit of '${storePath}' refused at the first attempt and its session is gone: the session was lost`);
    }
    throw new SessionLostError();
  }
}
