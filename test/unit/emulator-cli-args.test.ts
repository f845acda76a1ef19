import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEmulatorArgs } from '../../emulator/cli-args.js';
import { isCaseInsensitive, type EmulatorOptions } from '../../emulator/options.js';

function parse(...argv: string[]): EmulatorOptions {
  const options = parseEmulatorArgs(argv);
  assert.notEqual(options, 'help');
  return options as EmulatorOptions;
}

describe('emulator command line: path case', () => {
  it('compares case-insensitively with the Windows separator and case-sensitively with the Linux one, by default', () => {
    assert.equal(isCaseInsensitive(parse()), true);
    assert.equal(isCaseInsensitive(parse('--path-separator', '/')), false);
  });

  it('lets --case-sensitive and --case-insensitive override the separator', () => {
    assert.equal(isCaseInsensitive(parse('--case-sensitive')), false);
    assert.equal(isCaseInsensitive(parse('--path-separator', '/', '--case-insensitive')), true);
  });

  it('refuses both flags together, naming them', () => {
    assert.throws(() => parse('--case-sensitive', '--case-insensitive'), /--case-insensitive or --case-sensitive/);
  });

  it('answers help for --help', () => {
    assert.equal(parseEmulatorArgs(['--help']), 'help');
  });
});
