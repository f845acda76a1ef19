// The cluster's management routes driven with raw HTTP (deliberately not the action's client),
// on an emulator whose cluster clock the test moves: nothing waits or depends on timing.
import assert from 'node:assert/strict';
import type { ApplicationInfo, ApplicationUpgradeProgressInfo, PagedApplicationTypeInfoList } from '../../src/protocol/management-models.js';
import { startTestEmulator, type TestEmulator } from './emulator.js';
import { errorCode, json, rawRequest, type RawResponse } from './raw-http.js';
import { type Files, votingApp } from './voting-app-files.js';

/** Uploads with plain PUTs, then the mark files deepest first and the root's last, as a client must. */
export async function upload(emu: TestEmulator, destination: string, files: Files, { marks = true } = {}): Promise<void> {
  for (const [rel, body] of Object.entries(files)) {
    const r = await rawRequest('PUT', emu.storeUrl(`${destination}/${rel}`), { body });
    assert.equal(r.status, 200, `PUT ${rel}`);
  }
  if (!marks) return;
  const folders = new Set<string>(['']);
  for (const rel of Object.keys(files)) {
    const segments = rel.split('/');
    for (let i = 1; i < segments.length; i++) folders.add(segments.slice(0, i).join('/'));
  }
  const deepestFirst = [...folders].sort((a, b) => b.split('/').length - a.split('/').length || (a === '' ? 1 : b === '' ? -1 : 0));
  for (const folder of deepestFirst) {
    const mark = folder === '' ? `${destination}/_.dir` : `${destination}/${folder}/_.dir`;
    assert.equal((await rawRequest('PUT', emu.storeUrl(mark), { body: '' })).status, 200);
  }
}

export function url(emu: TestEmulator, route: string, query: Record<string, string> = {}): string {
  return `${emu.url}/${route}?${new URLSearchParams({ 'api-version': '6.0', ...query })}`;
}

export function post(emu: TestEmulator, route: string, body: unknown, query: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest('POST', url(emu, route, query), {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' }
  });
}

export function get(emu: TestEmulator, route: string, query: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest('GET', url(emu, route, query));
}

export function provision(emu: TestEmulator, buildPath: string, options: { async?: boolean; cleanup?: string } = {}): Promise<RawResponse> {
  const body: Record<string, unknown> = { Kind: 'ImageStorePath', ApplicationTypeBuildPath: buildPath, Async: options.async ?? false };
  if (options.cleanup) body.ApplicationPackageCleanupPolicy = options.cleanup;
  return post(emu, 'ApplicationTypes/$/Provision', body, { 'api-version': '6.2' });
}

export async function typeInfo(emu: TestEmulator, name: string, version: string) {
  const r = await get(emu, `ApplicationTypes/${name}`, { ApplicationTypeVersion: version });
  assert.equal(r.status, 200);
  return json<PagedApplicationTypeInfoList>(r).Items[0];
}

export async function progress(emu: TestEmulator, id: string): Promise<ApplicationUpgradeProgressInfo> {
  const r = await get(emu, `Applications/${id}/$/GetUpgradeProgress`);
  assert.equal(r.status, 200, r.text);
  return json<ApplicationUpgradeProgressInfo>(r);
}

export async function application(emu: TestEmulator, id: string): Promise<ApplicationInfo> {
  const r = await get(emu, `Applications/${id}`);
  assert.equal(r.status, 200);
  return json<ApplicationInfo>(r);
}

export function assertError(r: RawResponse, status: number, code: string, message?: RegExp): void {
  assert.equal(r.status, status, r.text);
  assert.equal(errorCode(r), code, r.text);
  if (message) assert.match(json<{ Error: { Message: string } }>(r).Error.Message, message);
}

export const DOMAIN_MS = 10_000;
export const PROVISION_MS = 5_000;

/** An emulator whose cluster clock the test moves. */
export async function startCluster(unhealthyVersions: string[] = []) {
  const clock = { t: Date.UTC(2026, 0, 1) };
  const emu = await startTestEmulator({
    management: { clock: () => clock.t, upgradeDomains: 3, upgradeDomainSeconds: DOMAIN_MS / 1000, provisionSeconds: PROVISION_MS / 1000, unhealthyVersions }
  });
  return { emu, clock, tick: (ms: number) => (clock.t += ms) };
}

export async function provisioned(emu: TestEmulator, buildPath: string, files: Files): Promise<void> {
  await upload(emu, buildPath, files);
  const r = await provision(emu, buildPath);
  assert.equal(r.status, 200, r.text);
}

/** A cluster that holds the sample's VotingType 1.0.0, provisioned from `v1/VotingApp`. */
export async function startClusterWithV1(): Promise<TestEmulator> {
  const { emu } = await startCluster();
  await provisioned(emu, 'v1/VotingApp', votingApp('1.0.0'));
  return emu;
}

export async function create(emu: TestEmulator, version: string, parameters: { Key: string; Value: string }[] = []): Promise<RawResponse> {
  return post(emu, 'Applications/$/Create', { Name: 'fabric:/VotingApp', TypeName: 'VotingType', TypeVersion: version, ParameterList: parameters });
}

export function upgradeBody(version: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Name: 'fabric:/VotingApp',
    TargetApplicationTypeVersion: version,
    Parameters: [],
    UpgradeKind: 'Rolling',
    RollingUpgradeMode: 'Monitored',
    MonitoringPolicy: { FailureAction: 'Rollback', HealthCheckWaitDurationInMilliseconds: 'PT0H0M30S', UpgradeDomainTimeoutInMilliseconds: '600000' },
    ...extra
  };
}
export type ClockedCluster = Awaited<ReturnType<typeof startCluster>>;
