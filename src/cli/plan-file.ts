// The plan file (`--plan release.json`): several packages/applications released in order, each
// with its own settings; flags and SFU_* variables are the defaults every entry shares.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { SETTING } from '../util/settings.js';
import { CLI_ONLY_SETTINGS, RELEASE_SETTINGS, UsageError } from './args.js';

export interface PlanEntry {
  /** How messages and the result name the entry: its application name, else its package path. */
  label: string;
  /** The entry's settings by canonical name, as text (lists and Name=Value maps as lines). */
  settings: Map<string, string>;
}

const SETTING_NAMES: ReadonlySet<string> = new Set(Object.values(SETTING));
/** Settings that hold a local path: relative ones are read against the plan file's folder. */
const PATH_SETTINGS: ReadonlySet<string> = new Set([SETTING.PackagePath, SETTING.ApplicationParameterFile, SETTING.PublishProfile]);
/** Settings given as a map in the file: `{ "Name": "Value" }` → `Name=Value` lines. */
const MAP_SETTINGS: ReadonlySet<string> = new Set([SETTING.ApplicationParameters, SETTING.UpgradeSettings]);

export async function readPlanFile(file: string, options: { allowRelease: boolean }): Promise<PlanEntry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`The plan file '${file}' could not be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): check '--plan'.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`The plan file '${file}' is not valid JSON: ${(err as Error).message}.`);
  }
  return parsePlan(json, file, options);
}

export function parsePlan(json: unknown, file: string, options: { allowRelease: boolean }): PlanEntry[] {
  if (!isObject(json)) throw new UsageError(`The plan file '${file}' must hold a JSON object such as { "applications": [ … ] }.`);
  for (const key of Object.keys(json)) {
    if (key !== 'applications' && key !== '$schema')
      throw new UsageError(`The plan file '${file}' has an unknown entry '${key}': it takes "applications" only.`);
  }
  const applications = json.applications;
  if (!Array.isArray(applications) || applications.length === 0) {
    throw new UsageError(`The plan file '${file}' needs "applications": a list of one object per application, released in order.`);
  }
  const base = path.dirname(path.resolve(file));
  return applications.map((entry: unknown, index) => {
    const where = `${file}: applications[${index}]`;
    if (!isObject(entry)) throw new UsageError(`${where} must be an object of settings, such as { "package-path": "…", "application-name": "fabric:/…" }.`);
    const settings = new Map<string, string>();
    for (const [name, value] of Object.entries(entry)) {
      const at = `${where}, "${name}"`;
      if (CLI_ONLY_SETTINGS.includes(name)) {
        throw new UsageError(`${where} has "${name}", a credential every entry shares: give it as '--${name}' or its SFU_* variable.`);
      }
      if (!SETTING_NAMES.has(name)) throw new UsageError(`${where} has an unknown setting "${name}": the settings are the flags' names without '--'.`);
      if (!options.allowRelease && RELEASE_SETTINGS.has(name)) {
        throw new UsageError(`${at} is a release setting: 'upload' only uploads; run 'release' (or 'plan') with this plan file.`);
      }
      const text = settingText(at, name, value);
      settings.set(name, PATH_SETTINGS.has(name) && text.trim() !== '' ? path.resolve(base, text.trim()) : text);
    }
    const label = (settings.get(SETTING.ApplicationName) ?? '').trim() || (settings.get(SETTING.PackagePath) ?? '').trim() || `applications[${index}]`;
    return { label, settings };
  });
}

function settingText(at: string, name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every(v => typeof v === 'string')) return value.join('\n');
  if (MAP_SETTINGS.has(name) && isObject(value)) {
    return Object.entries(value)
      .map(([k, v]) => {
        if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
          throw new UsageError(`${at}, "${k}" must be a string, a number or true/false.`);
        return `${k}=${String(v)}`;
      })
      .join('\n');
  }
  const shapes = MAP_SETTINGS.has(name)
    ? 'a string, a list of "Name=Value" strings, or an object of names to values'
    : 'a string, a number, true/false or a list of strings';
  throw new UsageError(`${at} must be ${shapes}.`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
