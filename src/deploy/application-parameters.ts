// Application parameter files (`ApplicationParameters/Cloud.xml`, namespace
// http://schemas.microsoft.com/2011/01/fabric) and the merge of every parameter source into the
// one list sent to the cluster.
import { readFile } from 'node:fs/promises';
import { SettingError as InputError } from '../util/settings.js';
import type { ParameterPair } from '../cluster/management-client.js';
import type { ApplicationManifest } from '../protocol/manifests.js';
import { readXmlDocument, XmlDocumentError, type XmlNode } from '../protocol/xml-document.js';

export interface ApplicationParameterFile {
  /** The `Name` attribute: the application this file is for (`fabric:/VotingApp`). */
  applicationName: string | undefined;
  parameters: { name: string; value: string }[];
}

const ARRAYS = new Set(['Parameter']);

/**
 * Parses a deployment XML file (parameter file or publish profile); `what` names it in messages.
 * Values are trimmed, as they always were here; a space written as `&#32;` is kept (trimming comes
 * before decoding).
 */
export function parseDeploymentXml(xml: string, what: string): XmlNode {
  try {
    return readXmlDocument(xml, what, { arrays: ARRAYS, trim: true });
  } catch (err) {
    if (err instanceof XmlDocumentError) throw new InputError(err.message);
    throw err;
  }
}

export function attributeOf(node: unknown, name: string): string | undefined {
  const value = typeof node === 'object' && node !== null ? (node as XmlNode)[`@${name}`] : undefined;
  return typeof value === 'string' ? value : undefined;
}

export function parseApplicationParameterFile(xml: string, what: string): ApplicationParameterFile {
  const root = parseDeploymentXml(xml, what).Application;
  if (typeof root !== 'object' || root === null) {
    throw new InputError(`${what} is not an application parameter file: it has no <Application> root element.`);
  }
  const list = (root as XmlNode).Parameters as XmlNode | undefined;
  const items = (typeof list === 'object' && list !== null ? (list.Parameter as unknown[] | undefined) : undefined) ?? [];
  const seen = new Set<string>();
  const parameters = items.map(p => {
    const name = attributeOf(p, 'Name');
    if (!name) throw new InputError(`A <Parameter> in ${what} has no Name attribute.`);
    if (seen.has(name)) throw new InputError(`${what} sets the parameter '${name}' twice.`);
    seen.add(name);
    return { name, value: attributeOf(p, 'Value') ?? '' };
  });
  const name = attributeOf(root, 'Name');
  return { applicationName: name === undefined || name.trim() === '' ? undefined : name.trim(), parameters };
}

export async function readApplicationParameterFile(filePath: string, what: string): Promise<ApplicationParameterFile> {
  let xml: string;
  try {
    xml = await readFile(filePath, 'utf8');
  } catch (err) {
    throw new InputError(`${what} ('${filePath}') cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`);
  }
  return parseApplicationParameterFile(xml, `${what} ('${filePath}')`);
}

export interface ParameterSource {
  /** Where the values come from, for messages: "application-parameters", "the parameter file 'x.xml'". */
  what: string;
  parameters: { name: string; value: string }[];
}

/**
 * Merges the sources in order (later ones win) and refuses a parameter the application manifest
 * does not declare, before any request: the cluster would refuse the create or upgrade anyway.
 */
export function mergeParameters(manifest: ApplicationManifest, sources: ParameterSource[]): ParameterPair[] {
  const declared = new Map(manifest.parameters.map(p => [p.name, p.name]));
  const merged = new Map<string, string>();
  for (const source of sources) {
    for (const { name, value } of source.parameters) {
      if (!declared.has(name)) {
        const names = manifest.parameters.map(p => p.name);
        throw new InputError(
          `${source.what} sets '${name}', which ApplicationManifest.xml of ${manifest.typeName} ${manifest.typeVersion} does not declare: ${names.length > 0 ? `declared are ${names.join(', ')}` : 'it declares no parameters'}. Remove it, or declare it in the manifest's <Parameters>.`
        );
      }
      merged.set(name, value);
    }
  }
  // In the manifest's order, so that the request and the logs are stable.
  return manifest.parameters.filter(p => merged.has(p.name)).map(p => ({ Key: p.name, Value: merged.get(p.name)! }));
}

/** The value each declared parameter takes: the given one, else the manifest default. */
export function effectiveParameters(manifest: ApplicationManifest, given: ParameterPair[]): Map<string, string> {
  const values = new Map(manifest.parameters.map(p => [p.name, p.defaultValue]));
  for (const p of given) values.set(p.Key, p.Value);
  return values;
}
