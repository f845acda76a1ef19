// `npm run bench [-- --quick] [-- --write] [-- --only links|many-files|packages|<loopback scenario>]`:
// measures the built action against the emulator (in its own process), next to a naive uploader
// and the link's limits. Prints the tables; a full run without --only (or --write) writes them into BENCHMARKS.md.
// Never fails on timing. The scenarios live in scripts/bench/.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { formatLinkTable, LINKS, linkChart, type LinkResult, runLinkScenarios, writeLinkPackage } from './bench/link-scenarios.js';
import { formatRow, runLoopbackScenarios, TABLE_HEADER } from './bench/loopback-scenarios.js';
import { formatManyFiles, type ManyFilesRow, runManyFilesScenarios } from './bench/many-files.js';
import { formatPackageRow, PACKAGE_TABLE_HEADER, type PackageRow, runPackageScenarios } from './bench/package-scenarios.js';
import { linkPackageLine, linkTargets, measuredLine, writeBenchmarks } from './bench/report.js';
import { runsGroup, settings } from './bench/settings.js';

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'sfu-bench-'));
  // A full run writes BENCHMARKS.md; a quick run or one with --only (a measurement while tuning) only with --write.
  const write = settings.write || (!settings.quick && settings.only === '');
  const blocks: [string, string][] = [];
  const peaks: number[] = [];
  try {
    const rows = await runLoopbackScenarios(work);
    if (rows.length > 0) {
      blocks.push(['<!-- bench:latest -->', [...TABLE_HEADER, ...rows.map(formatRow)].join('\n')]);
      peaks.push(...rows.map(r => r.peakRssMiB));
    }
    let packageRows: PackageRow[] = [];
    if (runsGroup('packages')) {
      packageRows = await runPackageScenarios(work);
      const naive = packageRows[0]?.naiveSeconds;
      blocks.push(['<!-- bench:packages -->', [...PACKAGE_TABLE_HEADER, ...packageRows.map(r => formatPackageRow(r, naive))].join('\n')]);
      peaks.push(...packageRows.map(r => r.peakRssMiB));
    }
    let manyFiles: ManyFilesRow[] = [];
    if (runsGroup('many-files')) {
      manyFiles = await runManyFilesScenarios(work);
      blocks.push(['<!-- bench:many-files -->', formatManyFiles(manyFiles)]);
    }
    if (runsGroup('links')) {
      const pkg = await writeLinkPackage(work);
      console.log(linkPackageLine(pkg));
      const results: LinkResult[] = [];
      for (const link of LINKS) results.push(await runLinkScenarios(pkg, link));
      const body = [
        linkPackageLine(pkg),
        ...results.flatMap(r => ['', formatLinkTable(r), '', linkChart(r)]),
        '',
        'Targets of the link scenarios in this run:',
        '',
        linkTargets(pkg, results, manyFiles, peaks)
      ].join('\n');
      blocks.push(['<!-- bench:links -->', body]);
    }
    console.log(`\n${measuredLine()} ${settings.quick ? 'Quick' : 'Full'} run, ${new Date().toISOString()}.`);
    for (const [, body] of blocks) console.log(`\n${body}`);
    if (write && blocks.length > 0) {
      for (const [marker, body] of blocks) await writeBenchmarks(marker, body);
      console.log('\nWrote BENCHMARKS.md');
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
