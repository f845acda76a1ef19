// The emulator's link model (--bandwidth): one rate shared by every connection, each way. 10 MiB at
// 80 Mbit/s is 1.05 s: the tests check that the link holds them back (a lower bound, which a slow or
// loaded machine cannot break), never how soon they end; how close the link comes to its rate is
// measured by `npm run bench` (the links' floor, BENCHMARKS.md).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { Link, LinkedListener } from '../emulator/link-model.js';
import { makeTestCertificates } from './helpers/certificates.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';
import { rawRequest } from './helpers/raw-http.js';

const MiB = 1024 * 1024;
const RATE = 80e6;
/** Well under the 1.05 s that 10 MiB take at 80 Mbit/s (2/3 of it); nothing unlimited comes near it on loopback. */
const AT_LEAST = 0.7;

async function seconds(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('emulator link model: what the emulator receives', () => {
  let emu: TestEmulator;
  before(async () => (emu = await startTestEmulator({ link: { receiveBitsPerSecond: RATE } })));
  after(() => emu.dispose());

  it('takes about a second for 10 MiB at 80 Mbit/s, and stores the bytes as sent', async () => {
    const body = randomBytes(10 * MiB);
    let status = 0;
    const took = await seconds(async () => (status = (await rawRequest('PUT', emu.storeUrl('Link/one.bin'), { body })).status));
    assert.equal(status, 200);
    assert.ok(took >= AT_LEAST, `10 MiB took ${took.toFixed(2)} s, expected about 1.05 s`);
    assert.equal(sha(await readFile(emu.diskPath('Link/one.bin'))), sha(body));
  });

  it('shares the rate between connections: two 5 MiB at once take as long as one 10 MiB', async () => {
    const bodies = [randomBytes(5 * MiB), randomBytes(5 * MiB)];
    // Each alone would take 0.52 s, and both at once as much on separate links; sharing one, both
    // together take 1.05 s (however late either starts: a loaded machine only makes it longer).
    const took = await seconds(() =>
      Promise.all(bodies.map(async (body, i) => assert.equal((await rawRequest('PUT', emu.storeUrl(`Link/half${i}.bin`), { body })).status, 200)))
    );
    assert.ok(took >= AT_LEAST, `two 5 MiB at once took ${took.toFixed(2)} s, expected about 1.05 s`);
    for (const [i, body] of bodies.entries()) assert.equal(sha(await readFile(emu.diskPath(`Link/half${i}.bin`))), sha(body));
  });
});

describe('emulator link model: what the server sends', () => {
  const body = randomBytes(10 * MiB);
  const server = http.createServer((_req, res) => res.end(body));
  const listener = new LinkedListener(server, new Link({ sendBitsPerSecond: RATE }));
  let url = '';
  before(async () => (url = `http://127.0.0.1:${(await listener.listen(0, '127.0.0.1')).port}/`));
  after(() => listener.close());

  it('takes about a second to send 10 MiB at 80 Mbit/s, bytes intact', async () => {
    let got: Buffer = Buffer.alloc(0);
    const took = await seconds(async () => (got = (await rawRequest('GET', url)).body));
    assert.ok(took >= AT_LEAST, `10 MiB took ${took.toFixed(2)} s, expected about 1.05 s`);
    assert.equal(sha(got), sha(body));
  });
});

describe('emulator link model over TLS with a client certificate', () => {
  let emu: TestEmulator;
  let certs: Awaited<ReturnType<typeof makeTestCertificates>>;
  before(async () => {
    certs = await makeTestCertificates();
    emu = await startTestEmulator({
      tls: { cert: certs.serverCert, key: certs.serverKey, clientCa: certs.clientCa },
      link: { receiveBitsPerSecond: 1e9, sendBitsPerSecond: 1e9 }
    });
  });
  after(() => emu.dispose());

  it('carries the TLS records through the link: the certificate is judged and the file stored', async () => {
    const body = randomBytes(MiB + 3);
    const put = (withCertificate: boolean) =>
      new Promise<number>((resolve, reject) => {
        const req = https.request(
          emu.storeUrl('Tls/a.bin'),
          {
            method: 'PUT',
            ca: certs.serverCa,
            ...(withCertificate ? { cert: certs.clientCert, key: certs.clientKey } : {}),
            headers: { 'Content-Length': body.length },
            agent: false
          },
          res => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          }
        );
        req.on('error', reject);
        req.end(body);
      });
    assert.equal(await put(false), 403);
    assert.equal(await put(true), 200);
    assert.equal(sha(await readFile(emu.diskPath('Tls/a.bin'))), sha(body));
  });
});
