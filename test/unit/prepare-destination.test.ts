// The destination's first listing tells an Image Store from anything else answering at the endpoint.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readListingAnswer } from '../../src/upload/prepare-destination.js';

const answer = (status: number, body: string, type = 'application/json') =>
  readListingAnswer({ status, headers: { 'content-type': type }, body: Buffer.from(body) });

describe('reading the first listing', () => {
  it('reads the answers of a cluster', () => {
    assert.equal(answer(404, ''), 'missing');
    assert.equal(answer(404, '{"Error":{"Code":"FABRIC_E_FILE_NOT_FOUND","Message":"x"}}'), 'missing');
    assert.equal(answer(204, ''), 'exists');
    assert.equal(answer(200, '{"StoreFiles":[{"StoreRelativePath":"App\\\\a","FileSize":"1"}]}'), 'exists');
    assert.equal(answer(200, '{"StoreFolders":[],"ContinuationToken":""}'), 'exists');
  });

  it('does not read a web page or another JSON API as a missing or existing destination', () => {
    assert.equal(answer(404, '<!DOCTYPE html><html><body>Not Found</body></html>', 'text/html'), 'not-an-image-store');
    assert.equal(answer(404, 'Cannot GET /ImageStore/App', 'text/plain'), 'not-an-image-store');
    assert.equal(answer(200, '<html><body>Welcome</body></html>', 'text/html'), 'not-an-image-store');
    assert.equal(answer(200, '[1,2,3]'), 'not-an-image-store');
    assert.equal(answer(200, '{"StoreFiles":"nope"}'), 'not-an-image-store');
  });
});
