import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getDeployInputs, parseNameValueLines, wantsApplication, wantsRelease } from '../../src/action/deploy-inputs.js';
import { buildUpgradeDescription, isoDuration, parseUpgradeSettings } from '../../src/deploy/upgrade-policy.js';

const reader = (values: Record<string, string>) => (name: string) => values[name] ?? '';

test('without release inputs nothing beyond the upload is asked for', () => {
  const inputs = getDeployInputs(reader({}));
  assert.equal(wantsRelease(inputs), false);
  assert.equal(inputs.deployTimeoutSeconds, 3600);
  assert.equal(inputs.keepPackage, false);
});

test('an application input implies provisioning; provision: true alone provisions only', () => {
  const app = getDeployInputs(reader({ 'application-name': 'fabric:/VotingApp' }));
  assert.equal(wantsRelease(app), true);
  assert.equal(wantsApplication(app), true);
  const only = getDeployInputs(reader({ provision: 'true' }));
  assert.equal(wantsRelease(only), true);
  assert.equal(wantsApplication(only), false);
});

test('refuses contradictions and bad values with a sentence naming the input', () => {
  assert.throws(
    () => getDeployInputs(reader({ provision: 'false', 'application-name': 'fabric:/A' })),
    /'provision' is false, but an application input is set/
  );
  assert.throws(
    () => getDeployInputs(reader({ 'application-name': 'VotingApp' })),
    /'application-name' must be an application name such as 'fabric:\/VotingApp'/
  );
  assert.throws(() => getDeployInputs(reader({ 'upgrade-mode': 'UnmonitoredManual' })), /'upgrade-mode' must be one of Monitored, UnmonitoredAuto/);
  assert.throws(() => getDeployInputs(reader({ 'failure-action': 'Ignore' })), /'failure-action' must be one of Rollback, Manual/);
  assert.throws(() => getDeployInputs(reader({ 'deploy-timeout': '0' })), /'deploy-timeout' must be a whole number of seconds/);
  assert.throws(() => getDeployInputs(reader({ 'keep-package': 'yes' })), /'keep-package' must be 'true' or 'false'/);
});

test('Name=Value lines: a value may hold = or be empty; a line without a name or a name twice is refused', () => {
  assert.deepEqual(parseNameValueLines('application-parameters', 'A=1\n\n B = x=y \nC='), [
    { name: 'A', value: '1' },
    { name: 'B', value: 'x=y' },
    { name: 'C', value: '' }
  ]);
  assert.throws(() => parseNameValueLines('application-parameters', 'novalue'), /'application-parameters' takes one 'Name=Value' per line, not 'novalue'/);
  assert.throws(() => parseNameValueLines('application-parameters', 'A=1\nA=2'), /sets 'A' twice/);
});

test('upgrade-settings take the publish profile names (any case); unknown keys are refused listing the known ones', () => {
  assert.deepEqual(parseUpgradeSettings('upgrade-settings', 'HealthCheckRetryTimeoutSec=600\nforcerestart=true\nMaxPercentUnhealthyDeployedApplications=10'), {
    HealthCheckRetryTimeoutSec: 600,
    ForceRestart: true,
    MaxPercentUnhealthyDeployedApplications: 10
  });
  assert.throws(
    () => parseUpgradeSettings('upgrade-settings', 'HealthCheckTimeout=5'),
    /unknown key 'HealthCheckTimeout': use HealthCheckWaitDurationSec, .*MaxPercentUnhealthyDeployedApplications/
  );
  assert.throws(() => parseUpgradeSettings('upgrade-settings', 'MaxPercentUnhealthyDeployedApplications=101'), /from 0 to 100/);
  assert.throws(() => parseUpgradeSettings('upgrade-settings', 'ForceRestart=1'), /'ForceRestart' must be 'true' or 'false'/);
});

test('the upgrade body: Monitored is always explicit, durations are ISO 8601, unset settings left to the cluster', () => {
  assert.equal(isoDuration(0), 'PT0H0M0S');
  assert.equal(isoDuration(90), 'PT0H1M30S');
  assert.equal(isoDuration(7325), 'PT2H2M5S');
  const monitored = buildUpgradeDescription('fabric:/A', '2.0.0', [{ Key: 'K', Value: 'v' }], {
    mode: 'Monitored',
    failureAction: 'Rollback',
    settings: {
      HealthCheckRetryTimeoutSec: 600,
      UpgradeTimeoutSec: 7200,
      UpgradeReplicaSetCheckTimeoutSec: 30,
      ConsiderWarningAsError: true,
      ForceRestart: false
    }
  });
  assert.deepEqual(monitored, {
    Name: 'fabric:/A',
    TargetApplicationTypeVersion: '2.0.0',
    Parameters: [{ Key: 'K', Value: 'v' }],
    UpgradeKind: 'Rolling',
    RollingUpgradeMode: 'Monitored',
    UpgradeReplicaSetCheckTimeoutInSeconds: 30,
    ForceRestart: false,
    MonitoringPolicy: { FailureAction: 'Rollback', HealthCheckRetryTimeoutInMilliseconds: 'PT0H10M0S', UpgradeTimeoutInMilliseconds: 'PT2H0M0S' },
    ApplicationHealthPolicy: { ConsiderWarningAsError: true }
  });
  const auto = buildUpgradeDescription('fabric:/A', '2.0.0', [], { mode: 'UnmonitoredAuto', failureAction: 'Rollback', settings: {} });
  assert.equal(auto.RollingUpgradeMode, 'UnmonitoredAuto');
  assert.equal(auto.MonitoringPolicy, undefined);
});

test('application names: the reserved characters and the shapes the cluster refuses are refused before any request', async () => {
  const { parseApplicationName } = await import('../../src/action/deploy-inputs.js');
  assert.equal(parseApplicationName('application-name', ' fabric:/Vötíng/App 1 '), 'fabric:/Vötíng/App 1');
  for (const [name, why] of [
    ['fabric:/a~b', "'~' is reserved"],
    ['fabric:/a$b', "'\\$' is reserved"],
    ['fabric:/a+b', "'\\+' is reserved"],
    ['fabric:/a|b', "'\\|' is reserved"],
    ['fabric:/a?b', "'\\?' is reserved"],
    ['fabric:/a#b', "'#' is reserved"],
    ['fabric:/Vote%41pp', "'%' is reserved"],
    ['fabric:/a%2Fb', "'%' is reserved"],
    ['fabric:/a[1]', "'\\[' is reserved"],
    ['fabric:/a<b>', "'<' is reserved"],
    ['fabric:/a\\b', "'\\\\' is reserved"],
    ['fabric:/a^b', "'\\^' is reserved"],
    ['fabric:/a\u0007b', 'the control character U\\+0007'],
    ['fabric:/a//b', 'empty segment'],
    ['fabric:/a/', 'empty segment'],
    ['VotingApp', "start with 'fabric:/'"]
  ] as const) {
    assert.throws(
      () => parseApplicationName('application-name', name),
      new RegExp(`'application-name' must be an application name such as 'fabric:/VotingApp', not '.*': .*${why}`),
      name
    );
  }
});
