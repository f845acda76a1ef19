// The SHA-256 a type version's ARM tag records: read with ARM's case-insensitive tag names, and a
// tag that holds anything but a SHA-256 reported as such (the release then falls back to the blob).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recordedSfpkgHash, SFPKG_SHA256_TAG } from '../../src/azure/arm-release.js';

const HASH = '0123456789abcdef'.repeat(4);

describe("the .sfpkg's SHA-256 in a version's ARM tag", () => {
  it('reads the tag whatever the casing of its name, and the hash in lower case', () => {
    assert.deepEqual(recordedSfpkgHash({ [SFPKG_SHA256_TAG]: HASH }), { recordedSha256: HASH });
    assert.deepEqual(recordedSfpkgHash({ 'SFU-SFPKG-SHA256': HASH.toUpperCase(), team: 'x' }), { recordedSha256: HASH });
  });

  it('finds nothing without tags or without this tag', () => {
    assert.deepEqual(recordedSfpkgHash(undefined), {});
    assert.deepEqual(recordedSfpkgHash({}), {});
    assert.deepEqual(recordedSfpkgHash({ team: HASH }), {});
  });

  it('reports a tag that holds no SHA-256 rather than comparing with it', () => {
    assert.deepEqual(recordedSfpkgHash({ [SFPKG_SHA256_TAG]: 'edited' }), { unreadableTag: 'edited' });
    assert.deepEqual(recordedSfpkgHash({ [SFPKG_SHA256_TAG]: HASH.slice(1) }), { unreadableTag: HASH.slice(1) });
    assert.deepEqual(recordedSfpkgHash({ [SFPKG_SHA256_TAG]: `${HASH}0` }), { unreadableTag: `${HASH}0` });
  });
});
