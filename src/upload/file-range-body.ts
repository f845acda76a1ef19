// A range of a local file as a request body: opened again for every attempt, read into the
// transport's pooled buffers (no buffer of its own). Plain fs callbacks on a descriptor: the
// FileHandle API allocates several promises and objects per call, thousands of times a run.
import * as fs from 'node:fs';
import type { BodySource } from '../cluster/transport.js';
import type { ByteRange } from '../protocol/byte-ranges.js';

export function fileRangeBody(localPath: string, range: ByteRange): BodySource {
  return {
    name: localPath,
    length: range.end - range.start + 1,
    open: () =>
      new Promise((resolve, reject) =>
        fs.open(localPath, 'r', (err, fd) => {
          if (err) return reject(err);
          let position = range.start;
          resolve({
            read: into =>
              new Promise((done, fail) =>
                fs.read(fd, into, 0, into.length, position, (readErr, bytesRead) => {
                  if (readErr) return fail(readErr);
                  position += bytesRead;
                  done(bytesRead);
                })
              ),
            close: () => new Promise((done, fail) => fs.close(fd, closeErr => (closeErr ? fail(closeErr) : done())))
          });
        })
      )
  };
}
