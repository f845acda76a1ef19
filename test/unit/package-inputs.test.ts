// The compress and diff-package inputs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getPackageInputs } from '../../src/action/package-inputs.js';

test('compress and diff-package read true/false and refuse anything else naming the input', () => {
  const read = (values: Record<string, string>) => (name: string) => values[name] ?? '';
  assert.deepEqual(getPackageInputs(read({})), { compress: false, diffPackage: false });
  assert.deepEqual(getPackageInputs(read({ compress: 'true', 'diff-package': 'True' })), { compress: true, diffPackage: true });
  assert.throws(() => getPackageInputs(read({ compress: 'yes' })), /^InputError: 'compress' must be 'true' or 'false', not 'yes'\.$/);
  assert.throws(() => getPackageInputs(read({ 'diff-package': '1' })), /'diff-package' must be 'true' or 'false', not '1'\./);
});
