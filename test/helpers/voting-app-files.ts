// The sample VotingApp as files in memory, for the tests that drive the cluster's management
// routes with raw HTTP: at another version or type name, with parts left out or zipped.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';

export type Files = Record<string, string | Buffer>;

export const sampleDir = fileURLToPath(new URL('../../sample/VotingApp', import.meta.url));

export function sampleFiles(): Files {
  const out: Files = {};
  for (const e of readdirSync(sampleDir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const rel = path.relative(sampleDir, path.join(e.parentPath, e.name)).split(path.sep).join('/');
    out[rel] = readFileSync(path.join(e.parentPath, e.name));
  }
  return out;
}

export const text = (files: Files, rel: string) => files[rel]!.toString();

/** The sample at application version `version`; `web` bumps VotingWebPkg and its Code to that version with new code. */
export function votingApp(version: string, options: { web?: string; typeName?: string } = {}): Files {
  const files = sampleFiles();
  let app = text(files, 'ApplicationManifest.xml').replace('ApplicationTypeVersion="1.0.0"', `ApplicationTypeVersion="${version}"`);
  if (options.typeName) app = app.replace('ApplicationTypeName="VotingType"', `ApplicationTypeName="${options.typeName}"`);
  if (options.web) {
    app = app.replace(
      'ServiceManifestName="VotingWebPkg" ServiceManifestVersion="1.0.0"',
      `ServiceManifestName="VotingWebPkg" ServiceManifestVersion="${options.web}"`
    );
    files['VotingWebPkg/ServiceManifest.xml'] = text(files, 'VotingWebPkg/ServiceManifest.xml')
      .replace('Name="VotingWebPkg" Version="1.0.0"', `Name="VotingWebPkg" Version="${options.web}"`)
      .replace('<CodePackage Name="Code" Version="1.0.0">', `<CodePackage Name="Code" Version="${options.web}">`);
    files['VotingWebPkg/Code/wwwroot/index.html'] = `<html>version ${options.web}</html>`;
  }
  files['ApplicationManifest.xml'] = app;
  return files;
}

export function without(files: Files, prefix: string): Files {
  return Object.fromEntries(Object.entries(files).filter(([rel]) => !rel.startsWith(prefix)));
}

/** A zip archive with stored (uncompressed) entries: enough for the cluster's checks. */
export function storedZip(entries: Record<string, string | Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const data = Buffer.from(content);
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** Replaces the folder `<service>/<part>/` by `<service>/<part>.zip` holding its files. */
export function zipPart(files: Files, folder: string, entryName = (rel: string) => rel): Files {
  const inside = Object.entries(files).filter(([rel]) => rel.startsWith(`${folder}/`));
  const out = without(files, `${folder}/`);
  out[`${folder}.zip`] = storedZip(Object.fromEntries(inside.map(([rel, c]) => [entryName(rel.slice(folder.length + 1)), c])));
  return out;
}
