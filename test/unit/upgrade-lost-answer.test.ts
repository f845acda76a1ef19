// An upgrade request whose answer was lost, sent again because the progress still showed the state
// before it, and refused with the "upgrade in progress" code under a status other than 409 (a
// gateway's status for that code is not documented): the lost request was carried out, so the step
// follows the upgrade instead of failing with the refusal. A scripted gateway, since the emulator
// answers that code with 409 only.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayClient } from '../../src/cluster/gateway-client.js';
import { ManagementClient } from '../../src/cluster/management-client.js';
import type { HttpRequest } from '../../src/cluster/transport.js';
import { Deadline } from '../../src/deploy/polling.js';
import type { PollOptions } from '../../src/deploy/provision.js';
import type { ApplicationPlan, ReleasePlan } from '../../src/deploy/release-plan.js';
import { ReleaseRecord } from '../../src/deploy/release-record.js';
import { upgradeApplication } from '../../src/deploy/upgrade-application.js';
import { Semaphore } from '../../src/util/concurrency.js';
import { SILENT_REPORTER } from '../../src/util/reporter.js';
import { CANONICAL_NAMES } from '../../src/util/settings.js';
import { fabricError, FakeTransport, type ScriptedAnswer } from './fakes/fake-transport.js';

const NAME = 'fabric:/VotingApp';
const earlier = { Name: NAME, TargetApplicationTypeVersion: '1.0.0', UpgradeState: 'RollingForwardCompleted', StartTimestampUtc: '2026-12-01T10:00:00.000Z' };
const ours = {
  ...earlier,
  TargetApplicationTypeVersion: '2.0.0',
  StartTimestampUtc: '2026-12-07T10:00:00.000Z',
  UpgradeDomains: [{ Name: 'UD0', State: 'Completed' }]
};

test('a re-sent upgrade refused with 400 FABRIC_E_APPLICATION_UPGRADE_IN_PROGRESS after a lost answer: the upgrade is followed to its end', async () => {
  let upgrades = 0;
  let progressReads = 0;
  const transport = new FakeTransport((request: HttpRequest): ScriptedAnswer => {
    if (new URL(request.url).pathname.endsWith('/$/Upgrade')) {
      upgrades++;
      return upgrades === 1 ? { network: 'ECONNRESET' } : fabricError(400, 'FABRIC_E_APPLICATION_UPGRADE_IN_PROGRESS', 'An upgrade is in progress.');
    }
    // The progress before the request, then three reads that still show it (it lags), then ours.
    progressReads++;
    return {
      status: 200,
      body: progressReads <= 4 ? earlier : { ...ours, UpgradeState: progressReads < 6 ? 'RollingForwardInProgress' : 'RollingForwardCompleted' }
    };
  });
  const gateway = new GatewayClient(transport.asTransport(), {
    endpoint: 'https://cluster.test:19080',
    apiVersion: '6.0',
    timeoutSeconds: 60,
    retries: 3,
    limiter: new Semaphore(2),
    backoff: { baseDelayMs: 1, maxDelayMs: 2 }
  });
  const plan = { typeName: 'VotingType', typeVersion: '2.0.0', identity: { manifest: { parameters: [] } } } as unknown as ReleasePlan;
  const app = {
    name: NAME,
    parameters: [],
    parameterSources: [],
    policy: { mode: 'Monitored', failureAction: 'Rollback', settings: {} }
  } as unknown as ApplicationPlan;
  const lines: string[] = [];
  const options: PollOptions = { deadline: new Deadline(60), pollMs: 10, log: line => lines.push(line), reporter: SILENT_REPORTER, names: CANONICAL_NAMES };
  const report = new ReleaseRecord();

  await upgradeApplication(
    new ManagementClient(gateway),
    plan,
    app,
    { Id: 'VotingApp', Name: NAME, TypeName: 'VotingType', TypeVersion: '1.0.0', Status: 'Ready', Parameters: [] },
    report,
    options
  );

  assert.equal(upgrades, 2, 'sent once more after the state read showed nothing started, never a third time');
  assert.equal(report.applicationResult, 'upgraded');
  assert.equal(report.upgradeState, 'RollingForwardCompleted');
  assert.ok(
    lines.some(l =>
      /The cluster refused the upgrade request sent again \(FABRIC_E_APPLICATION_UPGRADE_IN_PROGRESS\): the one whose answer was lost was carried out after all/.test(
        l
      )
    ),
    lines.join('\n')
  );
});
