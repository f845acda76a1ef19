// Drives the emulator's upgrade routes with raw HTTP: the upgrade domains walked, interrupted,
// rolled back on health, paused for a decision or for MoveToNextUpgradeDomain. The cluster's clock
// is moved by hand, so nothing here waits or depends on timing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApplicationHealth } from '../src/protocol/management-models.js';
import { json, rawRequest } from './helpers/raw-http.js';
import type { TestEmulator } from './helpers/emulator.js';
import {
  type ClockedCluster,
  application,
  assertError,
  create,
  DOMAIN_MS,
  get,
  post,
  progress,
  provisioned,
  startCluster,
  upgradeBody
} from './helpers/management-routes.js';
import { votingApp } from './helpers/voting-app-files.js';

describe('emulator management: upgrades', () => {
  let cluster: ClockedCluster;
  let emu: TestEmulator;
  before(async () => {
    cluster = await startCluster(['9.0.0']);
    emu = cluster.emu;
    for (const v of ['1.0.0', '2.0.0', '3.0.0', '4.0.0', '9.0.0']) await provisioned(emu, `v${v}/VotingApp`, votingApp(v));
  });
  after(() => emu.dispose());

  async function freshApp(version = '1.0.0') {
    await post(emu, 'Applications/VotingApp/$/Delete', {});
    assert.equal((await create(emu, version)).status, 201);
  }

  it('refuses an upgrade to the same version with the same parameters, an unknown version, a missing app', async () => {
    await freshApp();
    assertError(await post(emu, 'Applications/VotingApp/$/Upgrade', upgradeBody('1.0.0')), 409, 'FABRIC_E_APPLICATION_ALREADY_IN_TARGET_VERSION');
    assertError(await post(emu, 'Applications/VotingApp/$/Upgrade', upgradeBody('7.7.7')), 404, 'FABRIC_E_APPLICATION_TYPE_NOT_FOUND');
    assertError(await post(emu, 'Applications/Nope/$/Upgrade', upgradeBody('2.0.0')), 404, 'FABRIC_E_APPLICATION_NOT_FOUND');
    assertError(
      await post(emu, 'Applications/VotingApp/$/Upgrade', upgradeBody('2.0.0', { Parameters: [{ Key: 'Nope', Value: '1' }] })),
      400,
      'FABRIC_E_IMAGEBUILDER_VALIDATION_ERROR'
    );
    assertError(await post(emu, 'Applications/VotingApp/$/Upgrade', upgradeBody('2.0.0', { MonitoringPolicy: {} })), 400, 'E_INVALIDARG', /FailureAction/);
    assertError(await get(emu, 'Applications/Nope/$/GetUpgradeProgress'), 404, 'FABRIC_E_APPLICATION_NOT_FOUND');
  });

  it('upgrades with new parameters only, same version', async () => {
    await freshApp();
    const r = await post(emu, 'Applications/VotingApp/$/Upgrade', upgradeBody('1.0.0', { Parameters: [{ Key: 'VotingWeb_InstanceCount', Value: '2' }] }));
    assert.equal(r.status, 200, r.text);
    cluster.tick(3 * DOMAIN_MS);
    assert.equal((await progress(emu, 'VotingApp')).UpgradeState, 'RollingForwardCompleted');
    assert.deepEqual((await application(emu, 'VotingApp')).Parameters, [{ Key: 'VotingWeb_InstanceCount', Value: '2' }]);
  });

  it('walks the upgrade domains Pending → InProgress → Completed and completes', async () => {
    await freshApp();
    assert.equal((await post(emu, 'Applications/VotingApp/$/Upgrade', upgradeBody('2.0.0'))).status, 200);
    const states = async () => (await progress(emu, 'VotingApp')).UpgradeDomains.map(d => `${d.Name}:${d.State}`);
    let p = await progress(emu, 'VotingApp');
    assert.equal(p.UpgradeState, 'RollingForwardInProgress');
    assert.equal(p.TargetApplicationTypeVersion, '2.0.0');
    assert.equal(p.RollingUpgradeMode, 'Monitored');
    assert.equal(p.NextUpgradeDomain, 'UD1');
    assert.equal(p.CurrentUpgradeDomainProgress.DomainName, 'UD0');
    assert.equal(p.FailureReason, 'None');
    assert.equal(p.FailureTimestampUtc, '0001-01-01T00:00:00.000Z');
    assert.equal(p.UpgradeDescription.MonitoringPolicy?.HealthCheckWaitDurationInMilliseconds, 'PT0H0M30S');
    assert.equal(p.UpgradeDescription.MonitoringPolicy?.UpgradeDomainTimeoutInMilliseconds, '600000');
    assert.equal(typeof p.UpgradeDescription.UpgradeReplicaSetCheckTimeoutInSeconds, 'string');
    assert.deepEqual(await states(), ['UD0:InProgress', 'UD1:Pending', 'UD2:Pending']);
    assert.equal((await application(emu, 'VotingApp')).Status, 'Upgrading');
    cluster.tick(DOMAIN_MS);
    assert.deepEqual(await states(), ['UD0:Completed', 'UD1:InProgress', 'UD2:Pending']);
    cluster.tick(DOMAIN_MS);
    assert.deepEqual(await states(), ['UD0:Completed', 'UD1:Completed', 'UD2:InProgress']);
    assertError(await post(emu, 'ApplicationTypes/VotingType/$/Unprovision', { ApplicationTypeVersion: '1.0.0' }), 409, 'FABRIC_E_APPLICATION_TYPE_IN_USE');
    cluster.tick(DOMAIN_MS);
    p = await progress(emu, 'VotingApp');
    assert.equal(p.UpgradeState, 'RollingForwardCompleted');
    assert.deepEqual(await states(), ['UD0:Completed', 'UD1:Completed', 'UD2:Completed']);
    assert.equal(p.UpgradeDurationInMilliseconds, 'PT0H0M30S');
    const app = await application(emu, 'VotingApp');
    assert.equal(app.TypeVersion, '2.0.0');
    assert.equal(app.Status, 'Ready');
  });

  it('a new upgrade request interrupts the one rolling: it rolls back, then the new goal starts', async () => {
    await freshApp();
    await post(emu, 'Applications/VotingApp/$/Upgrade', upgradeBody('2.0.0'));
    cluster.tick(DOMAIN_MS); // UD0 done, UD1 in progress
    assert.equal((await post(emu, 'Applications/VotingApp/$/Upgrade', upgradeBody('3.0.0'))).status, 200);
    let p = await progress(emu, 'VotingApp');
    assert.equal(p.TargetApplicationTypeVersion, '2.0.0');
    assert.equal(p.UpgradeState, 'RollingBackInProgress');
    assert.equal(p.FailureReason, 'Interrupted');
    assert.match(p.UpgradeStatusDetails, /to 3\.0\.0/);
    assert.equal((await application(emu, 'VotingApp')).Status, 'Upgrading');
    // Another request during that rollback replaces the goal; the same one again changes nothing.
    assert.equal((await post(emu, 'Applications/VotingApp/$/Upgrade', upgradeBody('4.0.0'))).status, 200);
    assert.equal((await post(emu, 'Applications/VotingApp/$/Upgrade', upgradeBody('4.0.0'))).status, 200);
    assert.match((await progress(emu, 'VotingApp')).UpgradeStatusDetails, /to 4\.0\.0/);
    cluster.tick(2 * DOMAIN_MS); // the two touched domains rolled back: the goal starts
    p = await progress(emu, 'VotingApp');
    assert.equal(p.TargetApplicationTypeVersion, '4.0.0');
    assert.equal(p.UpgradeState, 'RollingForwardInProgress');
    assert.equal(p.FailureReason, 'None');
    cluster.tick(3 * DOMAIN_MS);
    assert.equal((await progress(emu, 'VotingApp')).UpgradeState, 'RollingForwardCompleted');
    assert.equal((await application(emu, 'VotingApp')).TypeVersion, '4.0.0');
  });

  it('defaults to UnmonitoredAuto, which does not check health', async () => {
    await freshApp();
    const body = upgradeBody('9.0.0');
    delete body.RollingUpgradeMode;
    delete body.MonitoringPolicy;
    assert.equal((await post(emu, 'Applications/VotingApp/$/Upgrade', body)).status, 200);
    assert.equal((await progress(emu, 'VotingApp')).RollingUpgradeMode, 'UnmonitoredAuto');
    cluster.tick(3 * DOMAIN_MS);
    const p = await progress(emu, 'VotingApp');
    assert.equal(p.UpgradeState, 'RollingForwardCompleted');
    assert.equal(p.FailureReason, 'None');
    assert.equal((await application(emu, 'VotingApp')).HealthState, 'Error', 'the unhealthy version runs, unchecked');
  });

  it('rolls an unhealthy version back after the second domain fails its health check (FailureAction Rollback)', async () => {
    await freshApp();
    assert.equal((await post(emu, 'Applications/VotingApp/$/Upgrade', upgradeBody('9.0.0'))).status, 200);
    cluster.tick(DOMAIN_MS);
    assert.equal((await progress(emu, 'VotingApp')).UpgradeState, 'RollingForwardInProgress');
    cluster.tick(DOMAIN_MS);
    let p = await progress(emu, 'VotingApp');
    assert.equal(p.UpgradeState, 'RollingBackInProgress');
    assert.equal(p.FailureReason, 'HealthCheck');
    assert.equal(p.UpgradeDomainProgressAtFailure.DomainName, 'UD1');
    assert.notEqual(p.FailureTimestampUtc, '0001-01-01T00:00:00.000Z');
    const evaluation = p.UnhealthyEvaluations[0]?.HealthEvaluation;
    assert.equal(evaluation?.AggregatedHealthState, 'Error');
    assert.equal(typeof evaluation?.Kind, 'string');
    assert.match(evaluation?.Description ?? '', /unhealthy/);
    assert.equal(evaluation?.UnhealthyEvaluations?.[0]?.HealthEvaluation.AggregatedHealthState, 'Error');
    assert.deepEqual(
      p.UpgradeDomains.map(d => d.State),
      ['Pending', 'InProgress', 'Completed']
    );
    cluster.tick(2 * DOMAIN_MS);
    p = await progress(emu, 'VotingApp');
    assert.equal(p.UpgradeState, 'RollingBackCompleted');
    assert.equal(p.FailureReason, 'HealthCheck');
    const app = await application(emu, 'VotingApp');
    assert.equal(app.TypeVersion, '1.0.0');
    assert.equal(app.Status, 'Ready');
    assert.equal(app.HealthState, 'Ok');
  });

  it('waits in RollingForwardPending under FailureAction Manual, then rolls back on request', async () => {
    await freshApp();
    const body = upgradeBody('9.0.0', { MonitoringPolicy: { FailureAction: 'Manual' } });
    assert.equal((await post(emu, 'Applications/VotingApp/$/Upgrade', body)).status, 200);
    cluster.tick(10 * DOMAIN_MS);
    let p = await progress(emu, 'VotingApp');
    assert.equal(p.UpgradeState, 'RollingForwardPending');
    assert.equal(p.FailureReason, 'HealthCheck');
    assert.equal(p.NextUpgradeDomain, 'UD2');
    assert.equal((await get(emu, 'Applications/VotingApp/$/GetHealth')).status, 200);
    assert.equal(json<ApplicationHealth>(await get(emu, 'Applications/VotingApp/$/GetHealth')).AggregatedHealthState, 'Error');
    assert.equal((await post(emu, 'Applications/VotingApp/$/RollbackUpgrade', {})).status, 200);
    p = await progress(emu, 'VotingApp');
    assert.equal(p.UpgradeState, 'RollingBackInProgress');
    cluster.tick(2 * DOMAIN_MS);
    assert.equal((await progress(emu, 'VotingApp')).UpgradeState, 'RollingBackCompleted');
    assertError(await post(emu, 'Applications/VotingApp/$/RollbackUpgrade', {}), 400, 'FABRIC_E_APPLICATION_NOT_UPGRADING');
  });

  it('waits for MoveToNextUpgradeDomain between domains in UnmonitoredManual mode', async () => {
    await freshApp();
    assert.equal((await post(emu, 'Applications/VotingApp/$/Upgrade', upgradeBody('2.0.0', { RollingUpgradeMode: 'UnmonitoredManual' }))).status, 200);
    cluster.tick(DOMAIN_MS);
    let p = await progress(emu, 'VotingApp');
    assert.equal(p.UpgradeState, 'RollingForwardPending');
    assert.equal(p.NextUpgradeDomain, 'UD1');
    cluster.tick(10 * DOMAIN_MS);
    assert.equal((await progress(emu, 'VotingApp')).UpgradeState, 'RollingForwardPending', 'it waits for ever');
    assertError(await post(emu, 'Applications/VotingApp/$/MoveToNextUpgradeDomain', { UpgradeDomain: 'UD2' }), 400, 'E_INVALIDARG');
    assert.equal((await post(emu, 'Applications/VotingApp/$/MoveToNextUpgradeDomain', { UpgradeDomain: 'UD1' })).status, 200);
    p = await progress(emu, 'VotingApp');
    assert.equal(p.UpgradeState, 'RollingForwardInProgress');
    assert.equal(p.CurrentUpgradeDomainProgress.DomainName, 'UD1');
    cluster.tick(DOMAIN_MS);
    await post(emu, 'Applications/VotingApp/$/MoveToNextUpgradeDomain', { UpgradeDomain: 'UD2' });
    cluster.tick(DOMAIN_MS);
    assert.equal((await progress(emu, 'VotingApp')).UpgradeState, 'RollingForwardCompleted');
    assertError(await post(emu, 'Applications/VotingApp/$/MoveToNextUpgradeDomain', { UpgradeDomain: 'UD2' }), 400, 'E_INVALIDARG');
  });

  it('answers an unknown management route with 400 E_INVALIDARG', async () => {
    assertError(await get(emu, 'Applications/VotingApp/$/NoSuchThing'), 400, 'E_INVALIDARG');
    assertError(await get(emu, 'ApplicationTypes/a/b'), 400, 'E_INVALIDARG');
    assertError(await rawRequest('GET', `${emu.url}/Applications`), 400, 'E_INVALIDARG');
  });
});
