// The diff against what the cluster holds, over a fake manifest source (no processes).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildDiffPackage, readClusterHoldings, type ClusterManifestSource } from '../../src/package/diff-package.js';
import { PackageValidationError, validateLocalPackage } from '../../src/package/validate-package.js';
import { scanPackage } from '../../src/package/package-scan.js';
import { makePackage } from '../helpers/packages.js';
import { applicationManifestXml, serviceManifestXml, servicePackageSpec, type ServiceSpec } from '../helpers/sf-packages.js';

/** A cluster holding type versions, each with its services. */
function fakeCluster(versions: { version: string; status?: string; services: ServiceSpec[] }[]): ClusterManifestSource & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    listApplicationTypeVersions: async name => {
      calls.push(`list ${name}`);
      return versions.map(v => ({ Name: name, Version: v.version, Status: v.status ?? 'Available' }));
    },
    getApplicationManifest: async (name, v) => {
      calls.push(`app ${v}`);
      const found = versions.find(x => x.version === v);
      return found && applicationManifestXml(name, v, found.services);
    },
    getServiceManifest: async (_name, v, svc) => {
      calls.push(`svc ${v} ${svc}`);
      const s = versions.find(x => x.version === v)?.services.find(x => x.name === svc);
      return s && serviceManifestXml(s);
    }
  };
}

async function diskPackage(typeVersion: string, services: ServiceSpec[], leaveOut: string[] = []) {
  const spec = servicePackageSpec('ShopType', typeVersion, services);
  for (const rel of Object.keys(spec)) if (leaveOut.some(l => rel.startsWith(`${l}/`))) delete spec[rel];
  return scanPackage(await makePackage(spec, 'Shop'), ['**']);
}

const svc = (name: string, version: string, extra: Partial<ServiceSpec> = {}): ServiceSpec => ({
  name,
  version,
  code: { 'a.dll': 'x' },
  config: { 'Settings.xml': 's' },
  ...extra
});

describe('diff package', () => {
  it('counts only Available versions, and a part held by an older version only', async () => {
    const cluster = fakeCluster([
      { version: '1.0.0', services: [svc('Web', '1.0.0'), svc('Data', '1.0.0')] },
      { version: '1.1.0', services: [svc('Web', '1.1.0', { configVersion: '1.0.0' }), svc('Data', '1.0.0')] },
      { version: '1.2.0', status: 'Provisioning', services: [svc('Web', '1.2.0')] }
    ]);
    const holdings = await readClusterHoldings(cluster, 'ShopType');
    assert.deepEqual(holdings.versions, ['1.0.0', '1.1.0']);
    assert.ok(!cluster.calls.includes('app 1.2.0'), 'a version still provisioning was read');
    assert.deepEqual(holdings.parts.get('Data\u0000ServiceManifest\u0000Data\u00001.0.0'), ['1.0.0', '1.1.0']);
    assert.deepEqual(holdings.parts.get('Web\u0000CodePackage\u0000Code\u00001.0.0'), ['1.0.0']);
  });

  it('reads the manifests side by side, and puts the holdings together in the listed order whatever answers first', async () => {
    const services = ['A', 'B', 'C', 'D'].map(n => svc(n, '1.0.0'));
    const base = fakeCluster([
      { version: '1.0.0', services },
      { version: '2.0.0', services }
    ]);
    let inFlight = 0;
    let most = 0;
    // Later requests answer sooner: a sequential reader and a parallel one that keeps answer order would both show up here.
    let delay = 40;
    const slow =
      <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
      async (...a: A): Promise<R> => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise(r => setTimeout(r, (delay = Math.max(1, delay - 5))));
        inFlight--;
        return f(...a);
      };
    const cluster: ClusterManifestSource = {
      listApplicationTypeVersions: name => base.listApplicationTypeVersions(name),
      getApplicationManifest: slow((name: string, v: string) => base.getApplicationManifest(name, v)),
      getServiceManifest: slow((name: string, v: string, s: string) => base.getServiceManifest(name, v, s))
    };
    const holdings = await readClusterHoldings(cluster, 'ShopType');
    assert.ok(most >= 4, `at most ${most} manifest read(s) at once`);
    assert.deepEqual(holdings.versions, ['1.0.0', '2.0.0']);
    assert.deepEqual(holdings.parts.get('A\u0000ServiceManifest\u0000A\u00001.0.0'), ['1.0.0', '2.0.0']);
    assert.deepEqual(
      [...holdings.parts.keys()].filter(k => k.includes('ServiceManifest')).map(k => k.split('\u0000')[0]),
      ['A', 'B', 'C', 'D']
    );
  });

  it('leaves out held service packages whole and held parts of changed ones, keeping the manifests', async () => {
    const holdings = await readClusterHoldings(fakeCluster([{ version: '1.0.0', services: [svc('Web', '1.0.0'), svc('Data', '1.0.0')] }]), 'ShopType');
    const pkg = await diskPackage('2.0.0', [svc('Web', '2.0.0', { configVersion: '1.0.0' }), svc('Data', '1.0.0')]);
    const diff = buildDiffPackage(pkg, validateLocalPackage(pkg).layout, holdings);
    assert.deepEqual(
      diff.leftOut.map(l => l.path),
      ['Data', 'Web/Config']
    );
    assert.deepEqual(
      diff.pkg.files.map(f => f.relativePath),
      ['ApplicationManifest.xml', 'Web/Code/a.dll', 'Web/ServiceManifest.xml']
    );
    assert.deepEqual(diff.pkg.folders, ['', 'Web', 'Web/Code']);
    assert.deepEqual(diff.layout.reusedParts.map(p => `${p.serviceManifestName}/${p.name}`).sort(), ['Data/Data', 'Web/Config']);
  });

  it('refuses a part missing from the package that the cluster does not hold', async () => {
    const holdings = await readClusterHoldings(fakeCluster([]), 'ShopType');
    const partial = await diskPackage('2.0.0', [svc('Web', '2.0.0')], ['Web/Config']);
    const layout = validateLocalPackage(partial, { clusterHolds: () => true }).layout;
    assert.throws(
      () => buildDiffPackage(partial, layout, holdings),
      (err: unknown) => err instanceof PackageValidationError && /Web\/Config: .*Config is missing for service Web/.test(err.message)
    );
  });
});
