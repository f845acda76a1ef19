// Reads Service Fabric application and service manifests (namespace
// http://schemas.microsoft.com/2011/01/fabric) into plain objects. Shared by the action (package
// identity, parameters, validation, diff packages) and the emulator (provision). Only what a
// deployment needs is read; everything else in the XML is left alone.
import { readXmlDocument, XmlDocumentError, type XmlNode } from './xml-document.js';

export interface ApplicationManifest {
  typeName: string;
  typeVersion: string;
  /** Declared application parameters with their default values, in document order. */
  parameters: { name: string; defaultValue: string }[];
  serviceManifestImports: { name: string; version: string }[];
}

export type ServicePackageKind = 'CodePackage' | 'ConfigPackage' | 'DataPackage';

export interface ServiceManifestPart {
  kind: ServicePackageKind;
  name: string;
  version: string;
  /** A code package that runs a container image: it has no folder in the package. */
  isContainer: boolean;
}

export interface ServiceTypeDeclaration {
  kind: 'Stateful' | 'Stateless';
  name: string;
  /** Stateful types only. */
  hasPersistedState: boolean;
}

export interface ServiceManifest {
  name: string;
  version: string;
  parts: ServiceManifestPart[];
  /** The `<ServiceTypes>` the manifest declares, stateful ones first. */
  serviceTypes: ServiceTypeDeclaration[];
}

/** A manifest that is not well-formed XML or lacks what the cluster requires. */
export class ManifestError extends Error {
  override name = 'ManifestError';
}

const ARRAY_ELEMENTS = new Set([
  'Parameter',
  'ServiceManifestImport',
  'CodePackage',
  'ConfigPackage',
  'DataPackage',
  'StatefulServiceType',
  'StatelessServiceType'
]);

// Attribute values are read untrimmed so that a name or version with surrounding whitespace can be
// refused (the package layout rules); only the canonical form trims, to ignore formatting.
function parseXml(xml: string, what: string, trim = false): XmlNode {
  try {
    return readXmlDocument(xml, what, { arrays: ARRAY_ELEMENTS, trim });
  } catch (err) {
    if (err instanceof XmlDocumentError) throw new ManifestError(err.message);
    throw err;
  }
}

function element(node: unknown): XmlNode | undefined {
  return typeof node === 'object' && node !== null ? (node as XmlNode) : undefined;
}

function elements(node: unknown): XmlNode[] {
  if (node === undefined) return [];
  return (Array.isArray(node) ? node : [node]).map(n => element(n) ?? {});
}

function attribute(node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.[`@${name}`];
  return typeof value === 'string' ? value : undefined;
}

function requiredAttribute(node: XmlNode, name: string, what: string): string {
  const value = attribute(node, name);
  if (value === undefined || value === '') throw new ManifestError(`${what} has no ${name} attribute.`);
  return value;
}

/** Parses `ApplicationManifest.xml`; `what` names the file in messages. */
export function parseApplicationManifest(xml: string, what = 'ApplicationManifest.xml'): ApplicationManifest {
  const root = element(parseXml(xml, what).ApplicationManifest);
  if (!root) throw new ManifestError(`${what} has no <ApplicationManifest> root element.`);
  const parameters = elements(element(root.Parameters)?.Parameter).map(p => ({
    name: requiredAttribute(p, 'Name', `A <Parameter> in ${what}`),
    defaultValue: attribute(p, 'DefaultValue') ?? ''
  }));
  const serviceManifestImports = elements(root.ServiceManifestImport).map(i => {
    const ref = element(i.ServiceManifestRef);
    if (!ref) throw new ManifestError(`A <ServiceManifestImport> in ${what} has no <ServiceManifestRef>.`);
    return {
      name: requiredAttribute(ref, 'ServiceManifestName', `A <ServiceManifestRef> in ${what}`),
      version: requiredAttribute(ref, 'ServiceManifestVersion', `A <ServiceManifestRef> in ${what}`)
    };
  });
  return {
    typeName: requiredAttribute(root, 'ApplicationTypeName', what),
    typeVersion: requiredAttribute(root, 'ApplicationTypeVersion', what),
    parameters,
    serviceManifestImports
  };
}

/** Parses a `ServiceManifest.xml`; `what` names the file in messages. */
export function parseServiceManifest(xml: string, what = 'ServiceManifest.xml'): ServiceManifest {
  const root = element(parseXml(xml, what).ServiceManifest);
  if (!root) throw new ManifestError(`${what} has no <ServiceManifest> root element.`);
  const parts: ServiceManifestPart[] = [];
  for (const kind of ['CodePackage', 'ConfigPackage', 'DataPackage'] as const) {
    for (const p of elements(root[kind])) {
      const entryPoint = element(p.EntryPoint);
      parts.push({
        kind,
        name: requiredAttribute(p, 'Name', `A <${kind}> in ${what}`),
        version: requiredAttribute(p, 'Version', `A <${kind}> in ${what}`),
        isContainer: kind === 'CodePackage' && entryPoint?.ContainerHost !== undefined
      });
    }
  }
  const declared = element(root.ServiceTypes);
  const serviceTypes: ServiceTypeDeclaration[] = [
    ...elements(declared?.StatefulServiceType).map(t => ({
      kind: 'Stateful' as const,
      name: requiredAttribute(t, 'ServiceTypeName', `A <StatefulServiceType> in ${what}`),
      hasPersistedState: attribute(t, 'HasPersistedState')?.toLowerCase() === 'true'
    })),
    ...elements(declared?.StatelessServiceType).map(t => ({
      kind: 'Stateless' as const,
      name: requiredAttribute(t, 'ServiceTypeName', `A <StatelessServiceType> in ${what}`),
      hasPersistedState: false
    }))
  ];
  return {
    name: requiredAttribute(root, 'Name', what),
    version: requiredAttribute(root, 'Version', what),
    parts,
    serviceTypes
  };
}

/**
 * A canonical form of an XML document for "is this the same manifest?": parsed and serialised
 * again, so that whitespace, attribute quoting and formatting do not count, while every element,
 * attribute and value does.
 */
export function canonicalXml(xml: string, what = 'the manifest'): string {
  const doc = parseXml(xml, what, true);
  return JSON.stringify(sortKeys(doc));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      // Namespace declarations and the XML declaration are formatting, not content.
      if (key === '?xml' || key.startsWith('@xmlns')) continue;
      out[key] = sortKeys((value as Record<string, unknown>)[key]);
    }
    return out;
  }
  return value;
}
