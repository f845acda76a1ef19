// Visual Studio publish profiles (`PublishProfiles/Cloud.xml`, namespace
// http://schemas.microsoft.com/2015/05/fabrictools): the parameter file they point to, the
// upgrade mode and parameters, and the copy-package parameters. The inputs of the action win over
// anything read here.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { SettingError as InputError } from '../util/settings.js';
import { attributeOf, parseDeploymentXml } from './application-parameters.js';
import { parseUpgradeSettingValue, upgradeSettingKey, type UpgradeSettings } from './upgrade-policy.js';

export interface PublishProfile {
  /** Absolute path of its ApplicationParameterFile (given relative to the profile's folder). */
  applicationParameterFile: string | undefined;
  /** From `<UpgradeDeployment>`, when present. */
  upgrade:
    | {
        enabled: boolean;
        mode: 'Monitored' | 'UnmonitoredAuto' | undefined;
        failureAction: 'Rollback' | 'Manual' | undefined;
        settings: UpgradeSettings;
      }
    | undefined;
  /** `<CopyPackageParameters CompressPackage=…>`: read for the compression work; undefined when absent. */
  compressPackage: boolean | undefined;
  /** What the profile asks for that is ignored, for warnings. */
  warnings: string[];
}

/** Attributes of UpgradeDeployment/Parameters that mean nothing here: `Force` skips PowerShell's confirmation prompt. */
const IGNORED_UPGRADE_PARAMETERS = new Set(['force']);

function booleanAttribute(value: string | undefined, what: string): boolean | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^true$/i.test(value.trim())) return true;
  if (/^false$/i.test(value.trim())) return false;
  throw new InputError(`${what} must be 'true' or 'false', not '${value}'.`);
}

export function parsePublishProfile(xml: string, profilePath: string): PublishProfile {
  const warnings: string[] = [];
  const what = `The publish profile '${profilePath}'`;
  const root = parseDeploymentXml(xml, what).PublishProfile as Record<string, unknown> | undefined;
  if (typeof root !== 'object' || root === null) {
    throw new InputError(`${what} is not a publish profile: it has no <PublishProfile> root element.`);
  }
  const parameterFilePath = attributeOf(root.ApplicationParameterFile, 'Path');
  // The profile was written on Windows: its relative paths use backslashes.
  const applicationParameterFile =
    parameterFilePath === undefined || parameterFilePath.trim() === ''
      ? undefined
      : path.resolve(path.dirname(profilePath), parameterFilePath.trim().replace(/\\/g, '/'));

  let upgrade: PublishProfile['upgrade'];
  const deployment = root.UpgradeDeployment as Record<string, unknown> | undefined;
  if (typeof deployment === 'object' && deployment !== null) {
    const modeText = attributeOf(deployment, 'Mode');
    let mode: 'Monitored' | 'UnmonitoredAuto' | undefined;
    if (modeText !== undefined && modeText.trim() !== '') {
      const m = ['Monitored', 'UnmonitoredAuto'].find(x => x.toLowerCase() === modeText.trim().toLowerCase());
      if (!m) {
        throw new InputError(
          `${what} has <UpgradeDeployment Mode="${modeText}">: this action supports Monitored and UnmonitoredAuto (an UnmonitoredManual upgrade waits for a person at every domain); set 'upgrade-mode' to override it.`
        );
      }
      mode = m as 'Monitored' | 'UnmonitoredAuto';
    }
    const settings: UpgradeSettings = {};
    let failureAction: 'Rollback' | 'Manual' | undefined;
    const parameters = deployment.Parameters;
    const attributes = typeof parameters === 'object' && parameters !== null ? Object.entries(parameters as Record<string, unknown>) : [];
    for (const [attr, value] of attributes) {
      if (!attr.startsWith('@') || typeof value !== 'string') continue;
      const name = attr.slice(1);
      if (name.toLowerCase() === 'failureaction') {
        const f = ['Rollback', 'Manual'].find(x => x.toLowerCase() === value.trim().toLowerCase());
        if (!f) throw new InputError(`${what} has FailureAction="${value}": use Rollback or Manual.`);
        failureAction = f as 'Rollback' | 'Manual';
        continue;
      }
      if (IGNORED_UPGRADE_PARAMETERS.has(name.toLowerCase()) || name.startsWith('xmlns')) continue;
      const key = upgradeSettingKey(name);
      if (!key) {
        warnings.push(`${what}: the upgrade parameter '${name}' is not supported by this action and is ignored.`);
        continue;
      }
      settings[key] = parseUpgradeSettingValue(what, key, value);
    }
    upgrade = {
      enabled: booleanAttribute(attributeOf(deployment, 'Enabled'), `${what}: <UpgradeDeployment Enabled>`) ?? true,
      mode,
      failureAction,
      settings
    };
  }

  const compressPackage = booleanAttribute(attributeOf(root.CopyPackageParameters, 'CompressPackage'), `${what}: <CopyPackageParameters CompressPackage>`);
  return { applicationParameterFile, upgrade, compressPackage, warnings };
}

export async function readPublishProfile(profilePath: string, input: string): Promise<PublishProfile> {
  let xml: string;
  try {
    xml = await readFile(profilePath, 'utf8');
  } catch (err) {
    throw new InputError(`'${input}' ('${profilePath}') cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`);
  }
  return parsePublishProfile(xml, profilePath);
}
