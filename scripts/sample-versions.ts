// Copies of the sample VotingApp package at another version, for the demo and the release tests:
// every version in the manifests (application type, service manifests, code/config/data
// packages) is rewritten, so the copy is a complete new version the cluster accepts.
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from './runner.js';

export const SAMPLE_PACKAGE = path.join(PROJECT_ROOT, 'sample', 'VotingApp');
const MANIFESTS = ['ApplicationManifest.xml', 'VotingDataPkg/ServiceManifest.xml', 'VotingWebPkg/ServiceManifest.xml'];

/** A copy of sample/VotingApp in a new temporary folder (`…/VotingApp`) with every `1.0.0` version replaced by `version`. */
export async function sampleAtVersion(version: string, edit?: (relativePath: string, text: string) => string): Promise<string> {
  const root = path.join(await mkdtemp(path.join(tmpdir(), `sfu-voting-${version}-`)), 'VotingApp');
  await cp(SAMPLE_PACKAGE, root, { recursive: true });
  for (const rel of MANIFESTS) {
    const file = path.join(root, ...rel.split('/'));
    let text = (await readFile(file, 'utf8')).replace(/((?:ApplicationTypeVersion|ServiceManifestVersion|\bVersion)=")1\.0\.0"/g, `$1${version}"`);
    if (edit) text = edit(rel, text);
    await writeFile(file, text);
  }
  return root;
}
