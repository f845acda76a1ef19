import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseGatewayQuery } from '../../emulator/query-string.js';
import { queryString } from '../../src/cluster/gateway-client.js';

test('the client encodes a space as %20 and non-ASCII as UTF-8, and the emulator reads it back', () => {
  const sent = queryString({ 'api-version': '6.0', ApplicationTypeVersion: '2.0 ü+1', ServiceManifestName: 'Vöting&Web=1' });
  assert.equal(sent, 'api-version=6.0&ApplicationTypeVersion=2.0%20%C3%BC%2B1&ServiceManifestName=V%C3%B6ting%26Web%3D1');
  const read = parseGatewayQuery(`?${sent}`);
  assert.equal(read.get('ApplicationTypeVersion'), '2.0 ü+1');
  assert.equal(read.get('ServiceManifestName'), 'Vöting&Web=1');
});

test('the emulator reads + as a plus sign, keeps the first of a repeated name, refuses bad percent-encoding', () => {
  const read = parseGatewayQuery('?ApplicationTypeVersion=2.0+beta&timeout=60&timeout=5&flag');
  assert.equal(read.get('ApplicationTypeVersion'), '2.0+beta');
  assert.equal(read.get('timeout'), '60');
  assert.equal(read.get('flag'), '');
  assert.throws(() => parseGatewayQuery('?ApplicationTypeVersion=%E0%A4%A'), /not valid percent-encoding/);
});
