import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEmulatorArgs } from '../../emulator/cli-args.js';
import { isCaseInsensitive, type EmulatorOptions } from '../../emulator/options.js';
import { WriteDropper } from '../../emulator/faults.js';

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

describe('emulator command line: writes answered but not kept', () => {
  it('reads --drop-write-rate and --drop-write-path (repeated or a comma list, either separator)', () => {
    const faults = parse('--drop-write-rate', '0.25', '--drop-write-path', 'App\\Svc\\a.txt', '--drop-write-path', 'b.txt,c/d.txt').faults;
    assert.equal(faults?.dropWriteRate, 0.25);
    assert.deepEqual(faults?.dropWritePaths, ['App/Svc/a.txt', 'b.txt', 'c/d.txt']);
  });

  it('refuses a rate outside 0 … 1, naming the flag', () => {
    assert.throws(() => parse('--drop-write-rate', '2'), /--drop-write-rate must be a number from 0 to 1/);
  });

  it('drops a targeted path and the paths ending in it, and nothing else', () => {
    const dropper = new WriteDropper({ dropWritePaths: ['Svc/a.txt'] }, (a, b) => a.toLowerCase() === b.toLowerCase());
    assert.equal(dropper.drops('App/Svc/a.txt'), true);
    assert.equal(dropper.drops('App/svc/A.TXT'), true);
    assert.equal(dropper.drops('Svc/a.txt'), true);
    assert.equal(dropper.drops('App/OtherSvc/a.txt'), false);
    assert.equal(dropper.drops('App/Svc/a.txt.bak'), false);
  });
});

describe('emulator command line: the link', () => {
  it('has no link model unless a bandwidth is given', () => {
    assert.equal(parse().link, undefined);
  });

  it('sets both directions with --bandwidth, each overridable', () => {
    assert.deepEqual(parse('--bandwidth', '100Mbit').link, { receiveBitsPerSecond: 100e6, sendBitsPerSecond: 100e6 });
    assert.deepEqual(parse('--bandwidth', '1Gbit', '--upload-bandwidth', '20Mbit/s').link, { receiveBitsPerSecond: 20e6, sendBitsPerSecond: 1e9 });
    assert.deepEqual(parse('--download-bandwidth', '2.5Gbit').link, { receiveBitsPerSecond: undefined, sendBitsPerSecond: 2.5e9 });
    assert.deepEqual(parse('--upload-bandwidth', '800kbit').link, { receiveBitsPerSecond: 800e3, sendBitsPerSecond: undefined });
  });

  it('refuses a rate that is not in bits, naming the flag', () => {
    assert.throws(() => parse('--bandwidth', '100MB'), /--bandwidth must be a rate such as 100Mbit/);
    assert.throws(() => parse('--upload-bandwidth', 'fast'), /--upload-bandwidth must be a rate/);
    assert.throws(() => parse('--download-bandwidth', '0bit'), /--download-bandwidth must be a rate/);
  });
});
