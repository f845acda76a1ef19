// Service Fabric packages with real manifests (for validation, compression and diff packages).
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { wordTableBytes } from '../../scripts/bench/content.js';
import { sampleAtVersion } from '../../scripts/sample-versions.js';
import { buildSfpkg } from '../../src/azure/sfpkg.js';
import { scanPackage } from '../../src/package/package-scan.js';
import type { PackageSpec } from './packages.js';

export interface ServiceSpec {
  name: string;
  version?: string;
  /** Files of the Code package, by path relative to it. */
  code: PackageSpec;
  config?: PackageSpec;
  data?: PackageSpec;
  /** Per-part versions (default: the service's version). */
  codeVersion?: string;
  configVersion?: string;
  dataVersion?: string;
  /** A container code package (no folder) besides Code. */
  container?: boolean;
}

export function serviceManifestXml(s: ServiceSpec): string {
  const v = s.version ?? '1.0.0';
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<ServiceManifest Name="${s.name}" Version="${v}" xmlns="http://schemas.microsoft.com/2011/01/fabric">`,
    `  <ServiceTypes><StatelessServiceType ServiceTypeName="${s.name}Type" /></ServiceTypes>`,
    `  <CodePackage Name="Code" Version="${s.codeVersion ?? v}"><EntryPoint><ExeHost><Program>${s.name}.exe</Program></ExeHost></EntryPoint></CodePackage>`,
    ...(s.container
      ? [`  <CodePackage Name="Sidecar" Version="${v}"><EntryPoint><ContainerHost><ImageName>nginx:1.27</ImageName></ContainerHost></EntryPoint></CodePackage>`]
      : []),
    ...(s.config ? [`  <ConfigPackage Name="Config" Version="${s.configVersion ?? v}" />`] : []),
    ...(s.data ? [`  <DataPackage Name="Data" Version="${s.dataVersion ?? v}" />`] : []),
    '</ServiceManifest>',
    ''
  ].join('\n');
}

export function applicationManifestXml(typeName: string, typeVersion: string, services: { name: string; version?: string }[]): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<ApplicationManifest ApplicationTypeName="${typeName}" ApplicationTypeVersion="${typeVersion}" xmlns="http://schemas.microsoft.com/2011/01/fabric">`,
    ...services.map(
      s =>
        `  <ServiceManifestImport><ServiceManifestRef ServiceManifestName="${s.name}" ServiceManifestVersion="${s.version ?? '1.0.0'}" /></ServiceManifestImport>`
    ),
    '</ApplicationManifest>',
    ''
  ].join('\n');
}

/** The whole package as a spec for makePackage(). */
export function servicePackageSpec(typeName: string, typeVersion: string, services: ServiceSpec[]): PackageSpec {
  const spec: PackageSpec = { 'ApplicationManifest.xml': applicationManifestXml(typeName, typeVersion, services) };
  for (const s of services) {
    spec[`${s.name}/ServiceManifest.xml`] = serviceManifestXml(s);
    for (const [part, files] of [
      ['Code', s.code],
      ['Config', s.config],
      ['Data', s.data]
    ] as const) {
      for (const [rel, content] of Object.entries(files ?? {})) spec[`${s.name}/${part}/${rel}`] = content;
    }
  }
  return spec;
}

/**
 * Deterministic bytes that compress like compiled .NET assemblies (to about 40 % with deflate):
 * a stream of short "instructions and tokens" drawn from a per-file vocabulary, with some noise.
 */
export function dllLikeBytes(size: number, seed: number): Buffer {
  return wordTableBytes(size, seed, { literals: 3, outOf: 8 });
}

/** The bytes of the sample at `version` as the action packs it into a .sfpkg (VotingType.<version>.sfpkg). */
export async function sampleSfpkgBytes(version: string): Promise<Buffer> {
  const pkg = await scanPackage(await sampleAtVersion(version), ['**']);
  const sfpkg = await buildSfpkg(pkg, `VotingType.${version}.sfpkg`, tmpdir());
  try {
    return await readFile(sfpkg.path);
  } finally {
    await sfpkg.dispose();
  }
}
