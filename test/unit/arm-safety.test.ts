// The ARM path's safety decisions offline: when a request is sent again (busy answers after their
// Retry-After, lost answers of writes left to the read-back), the gateway path's guards on an ARM
// application, and upgrade-state from the read-back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArmOutcomeUnknownError, retryingExchange, type WriteKind } from '../../src/azure/arm-exchange.js';
import { armApplicationInfo, guardArmApplication } from '../../src/azure/arm-guards.js';
import {
  type ArmApplication,
  applicationOutcomeProblem,
  changedSince,
  type RequestedApplication,
  upgradeStateFromReadBack
} from '../../src/azure/arm-outcome.js';
import { type HttpResponse, NetworkError } from '../../src/cluster/transport.js';
import { ReleaseError } from '../../src/deploy/polling.js';
import { parseApplicationManifest } from '../../src/protocol/manifests.js';
import { CANONICAL_NAMES } from '../../src/util/settings.js';

const answer = (status: number, headers: Record<string, string> = {}, body = ''): HttpResponse => ({ status, headers, body: Buffer.from(body) });

/** Runs retryingExchange over these answers (a NetworkError is thrown as no answer); returns what it did. */
async function exchange(kind: WriteKind, answers: (HttpResponse | NetworkError)[], attempts = 5) {
  const waits: number[] = [];
  const log: string[] = [];
  let sends = 0;
  const result = retryingExchange({
    send: async () => {
      const next = answers[Math.min(sends++, answers.length - 1)]!;
      if (next instanceof NetworkError) throw next;
      return next;
    },
    what: 'upgrading the application A to 2.0.0',
    kind,
    attempts,
    log: line => log.push(line),
    pause: async ms => {
      waits.push(ms);
    }
  });
  return { result, waits, log, sends: () => sends };
}

describe('ARM requests sent again', () => {
  it('waits as a 429 or 503 Retry-After says, then sends again, for writes too (nothing was done)', async () => {
    for (const status of [429, 503]) {
      const run = await exchange('once', [answer(status, { 'retry-after': '7' }, '{"error":{"code":"TooManyRequests"}}'), answer(202)]);
      assert.equal((await run.result).status, 202);
      assert.deepEqual(run.waits, [7000]);
      assert.equal(run.sends(), 2);
      assert.match(run.log[0]!, new RegExp(`HTTP ${status}.* asking again in 7 s, as its Retry-After says \\(attempt 2 of 5\\)`));
    }
  });

  it('leaves a write that must not be sent twice to the read-back when its answer is lost or timed out', async () => {
    for (const lost of [new NetworkError('socket hang up', 'ECONNRESET'), answer(504), answer(500)]) {
      const run = await exchange('once', [lost, answer(202)]);
      await assert.rejects(run.result, (e: Error) => e instanceof ArmOutcomeUnknownError);
      assert.equal(run.sends(), 1, 'sent again before the read-back');
    }
  });

  it('sends a read or an idempotent write again after any transient failure, and gives the last answer when the attempts are spent', async () => {
    for (const kind of ['read', 'idempotent'] as const) {
      const run = await exchange(kind, [new NetworkError('reset', 'ECONNRESET'), answer(504), answer(200)]);
      assert.equal((await run.result).status, 200);
      assert.equal(run.sends(), 3);
    }
    const spent = await exchange('read', [answer(503)], 3);
    assert.equal((await spent.result).status, 503);
    assert.equal(spent.sends(), 3);
  });

  it('does not send again what is no transient failure', async () => {
    const run = await exchange('once', [answer(409), answer(200)]);
    assert.equal((await run.result).status, 409);
    const tls = await exchange('read', [new NetworkError('bad certificate', 'CERT_HAS_EXPIRED'), answer(200)]);
    await assert.rejects(tls.result, (e: Error) => e instanceof NetworkError && e.code === 'CERT_HAS_EXPIRED');
    assert.equal(tls.sends(), 1);
  });
});

const CLUSTER = '/subscriptions/00000000-0000-0000-0000-0000000000ab/resourceGroups/rg/providers/Microsoft.ServiceFabric/managedClusters/c';
const vid = (type: string, version: string) => `${CLUSTER}/applicationTypes/${type}/versions/${version}`;
const MANIFEST = parseApplicationManifest(
  `<ApplicationManifest xmlns="http://schemas.microsoft.com/2011/01/fabric" ApplicationTypeName="T" ApplicationTypeVersion="2.0.0"><Parameters><Parameter Name="Count" DefaultValue="1" /><Parameter Name="Mode" DefaultValue="a" /></Parameters></ApplicationManifest>`,
  'test'
);
const app = (state: string, version: string, parameters: Record<string, string> = {}, type = 'T'): ArmApplication => ({
  properties: { provisioningState: state, version: vid(type, version), parameters }
});
const target = (omittedParameters: 'refuse' | 'keep' | 'reset' = 'refuse', allowDowngrade = false) => ({
  app: { name: 'fabric:/A', givenParameters: [], guards: { allowDowngrade, omittedParameters } },
  manifest: MANIFEST,
  names: CANONICAL_NAMES
});

describe("the gateway path's guards on an ARM application", () => {
  it('maps the resource to what the guards read: type and version from the version id, parameters, state', () => {
    assert.deepEqual(armApplicationInfo(app('Updating', '1.0.0', { Count: '3' }), 'fabric:/A'), {
      Id: 'A',
      Name: 'fabric:/A',
      TypeName: 'T',
      TypeVersion: '1.0.0',
      Status: 'Upgrading',
      Parameters: [{ Key: 'Count', Value: '3' }]
    });
    assert.equal(armApplicationInfo(app('Succeeded', '1.0.0'), 'fabric:/A').Status, 'Ready');
    assert.equal(armApplicationInfo(app('Failed', '1.0.0'), 'fabric:/A').Status, 'Failed');
  });

  it('refuses an operation under way, whatever its name, with what to do', () => {
    for (const state of ['Updating', 'Creating', 'Deleting', 'Accepted']) {
      assert.throws(
        () => guardArmApplication(target(), app(state, '1.0.0'), () => undefined),
        (e: Error) => e instanceof ReleaseError && e.message.includes(`provisioningState ${state}`) && /Wait until it ends/.test(e.message)
      );
    }
  });

  it("refuses another type, a downgrade, and a reset parameter in the gateway path's words", () => {
    const refuses = (existing: ArmApplication, pattern: RegExp, t = target()) =>
      assert.throws(
        () => guardArmApplication(t, existing, () => undefined),
        (e: Error) => e instanceof ReleaseError && pattern.test(e.message)
      );
    refuses(app('Succeeded', '1.0.0', {}, 'Other'), /exists with the application type Other, not T: an upgrade cannot change the type/);
    refuses(app('Succeeded', '3.0.0'), /older than 3\.0\.0, which fabric:\/A runs: the step refuses to downgrade it/);
    refuses(app('Succeeded', '1.0.0', { Count: '3' }), /has Count set to a value other than the manifest default/);
    refuses({ properties: { provisioningState: 'Succeeded', version: 'not-an-id' } }, /without a type version it runs/);
  });

  it("gives the parameters to send: the current values with 'keep', none with 'reset'; allows a downgrade when told", () => {
    assert.deepEqual(
      guardArmApplication(target('keep'), app('Succeeded', '1.0.0', { Count: '3' }), () => undefined),
      [{ Key: 'Count', Value: '3' }]
    );
    assert.deepEqual(
      guardArmApplication(target('reset'), app('Failed', '1.0.0', { Count: '3' }), () => undefined),
      []
    );
    assert.deepEqual(
      guardArmApplication(target('refuse', true), app('Succeeded', '3.0.0'), () => undefined),
      []
    );
  });
});

describe('upgrade-state from the read-back', () => {
  const requested = (parameters: Record<string, string>, before: ArmApplication | undefined): RequestedApplication => ({
    versionId: vid('T', '2.0.0'),
    parameters,
    effective: p => new Map([['Count', '1'], ...Object.entries(p ?? {})]),
    before
  });
  const from = app('Succeeded', '1.0.0', { Count: '3' });

  it('RollingForwardCompleted at the requested version and parameters with Succeeded', () => {
    assert.equal(upgradeStateFromReadBack(app('Succeeded', '2.0.0', { Count: '3' }), requested({ Count: '3' }, from)), 'RollingForwardCompleted');
  });

  it('RollingBackCompleted back at the previous version and parameters, the operation over', () => {
    assert.equal(upgradeStateFromReadBack(from, requested({ Count: '3' }, from)), 'RollingBackCompleted');
    assert.equal(upgradeStateFromReadBack(app('Updating', '1.0.0', { Count: '3' }), requested({ Count: '3' }, from)), undefined);
  });

  it('empty otherwise, and for a create', () => {
    assert.equal(upgradeStateFromReadBack(app('Failed', '2.0.0', { Count: '3' }), requested({ Count: '3' }, from)), undefined);
    assert.equal(upgradeStateFromReadBack(app('Succeeded', '2.0.0'), requested({}, undefined)), undefined);
  });

  it('a parameter upgrade that rolled back fails the step, naming the parameter but not its values', () => {
    const sameVersion = app('Succeeded', '2.0.0', { Count: 'current-value-x' });
    const ask = requested({ Count: 'secret-value-77' }, sameVersion);
    assert.equal(upgradeStateFromReadBack(sameVersion, ask), 'RollingBackCompleted');
    const problem = applicationOutcomeProblem(sameVersion, 'A', ask, 'Succeeded')!;
    assert.match(problem, /runs 2\.0\.0 with other values of Count than this release gave: the parameter upgrade was rolled back/);
    assert.ok(!problem.includes('secret-value-77') && !problem.includes('current-value-x'), problem);
  });

  it('a lost answer is judged carried out when the application changed since it was read', () => {
    const ask = requested({ Count: '3' }, from);
    assert.equal(changedSince(from, ask), false);
    assert.equal(changedSince(app('Updating', '1.0.0', { Count: '3' }), ask), true);
    assert.equal(changedSince(app('Succeeded', '2.0.0', { Count: '3' }), ask), true);
    assert.equal(changedSince(from, requested({}, undefined)), true);
  });
});
