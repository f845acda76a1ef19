// Creating the application: one create request (sent again only when the cluster's state shows that
// a request whose answer was lost was not carried out), then a bounded wait until it is listed and
// no longer Creating, saying on a timer what it waits for.
import type { ReleaseRecord as ReleaseReport } from './release-record.js';
import { ImageStoreError } from '../cluster/errors.js';
import { type ApplicationInfo, type ManagementClient, ManagementErrorCode } from '../cluster/management-client.js';
import { applicationIdOf } from '../protocol/management-models.js';
import { Heartbeat, pause, ReleaseError } from './polling.js';
import type { PollOptions } from './provision.js';
import type { ApplicationPlan, ReleasePlan } from './release-plan.js';
import { sendOnceThrough } from './unanswered.js';

/** Polls after a `201` during which an application not listed yet is waited for (60 s at the default interval). */
export const APPEAR_POLLS = 20;

export async function createApplication(
  client: ManagementClient,
  plan: ReleasePlan,
  app: ApplicationPlan,
  report: ReleaseReport,
  options: PollOptions
): Promise<void> {
  const isOurs = (found: ApplicationInfo | undefined) => found?.TypeName === plan.typeName && found.TypeVersion === plan.typeVersion;
  const seen = { lostAnswers: 0 };
  try {
    await sendOnceThrough(
      client,
      options,
      {
        what: `the create request of ${app.name}`,
        send: () => client.createApplication({ Name: app.name, TypeName: plan.typeName, TypeVersion: plan.typeVersion, ParameterList: app.parameters }),
        carriedOut: async () => {
          const found = await client.getApplication(app.name);
          if (found && !isOurs(found)) throw createdBySomeoneElse(app.name, found);
          return found !== undefined;
        }
      },
      seen
    );
  } catch (err) {
    if (!(err instanceof ImageStoreError && err.is(409, ManagementErrorCode.ApplicationAlreadyExists))) throw err;
    // It exists. After a lost answer, an application of this type and version (or one not listed
    // yet) is this run's; otherwise someone else created it while this step ran.
    const found = await client.getApplication(app.name);
    if (seen.lostAnswers === 0 || (found !== undefined && !isOurs(found))) throw createdBySomeoneElse(app.name, found);
  }
  const ready = await waitForApplication(client, app.name, options);
  report.applicationResult = 'created';
  options.log(`Created ${app.name} (${plan.typeName} ${plan.typeVersion}, ${app.parameters.length} parameters); its status is ${ready.Status}.`);
}

function createdBySomeoneElse(name: string, found: ApplicationInfo | undefined): ReleaseError {
  const what = found ? ` (${found.TypeName} ${found.TypeVersion})` : '';
  return new ReleaseError(`${name} was created by someone else${what} while this step ran: run the step again to upgrade it.`);
}

/**
 * Waits until the application is listed and no longer Creating. Not listed after APPEAR_POLLS polls
 * fails at once (its own bound, within the release's deadline); Creating is bounded by the deadline.
 */
export async function waitForApplication(client: ManagementClient, name: string, options: PollOptions): Promise<ApplicationInfo> {
  const heartbeat = new Heartbeat(options.pollMs, options.log);
  const check = `sfctl application info --application-id ${applicationIdOf(name)}`;
  for (let polls = 1; ; polls++) {
    const app = await client.getApplication(name);
    if (app && app.Status !== 'Creating') {
      if (app.Status === 'Failed') throw new ReleaseError(`The cluster could not create ${name}: its status is Failed. Check it with '${check}'.`);
      return app;
    }
    if (!app && polls >= APPEAR_POLLS) {
      throw new ReleaseError(
        `The cluster accepted the create request of ${name} but does not list the application after ${polls} polls (${Math.round((polls * options.pollMs) / 1000)} s). Check the name (the cluster may have stored it under another one) with 'sfctl application list', then run the step again.`
      );
    }
    if (options.deadline.passed) {
      throw new ReleaseError(
        `${name} was still ${app ? 'being created' : 'not listed'} after '${options.names.DeployTimeout}' (${options.deadline.seconds} s): the cluster goes on. Check it with '${check}'.`
      );
    }
    heartbeat.beat(() => `Waiting for ${name} to ${app ? 'be created: its status is Creating' : 'be listed after its create request'}`);
    await pause(options.pollMs, client.signal, options.deadline);
  }
}
