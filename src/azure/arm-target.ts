// The managed cluster as an ARM resource: its resource id and the ARM endpoint,
// checked offline before any request, and the URLs of the resources the release writes.
// Nothing here sends a request.

/** The stable api-version of Microsoft.ServiceFabric/managedClusters the client speaks. */
export const ARM_API_VERSION = '2024-04-01';

/** ARM's endpoints in the Azure clouds (public, US Government, China). */
const ARM_HOSTS = ['management.azure.com', 'management.usgovcloudapi.net', 'management.chinacloudapi.cn'];

export const DEFAULT_ARM_ENDPOINT = 'https://management.azure.com';

export class ArmTargetError extends Error {
  override name = 'ArmTargetError';
}

export interface ManagedClusterId {
  subscriptionId: string;
  resourceGroup: string;
  clusterName: string;
  /** `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.ServiceFabric/managedClusters/{name}`, canonical casing. */
  id: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Azure's rule for resource group names: 1-90 letters, digits, '_', '-', '.', '(' and ')', not ending in '.'.
const RESOURCE_GROUP = /^[-\w.()]{0,89}[-\w()]$/u;
// A managed cluster's name: 4-23 letters, digits and hyphens, starting with a letter, not ending in a hyphen.
const CLUSTER_NAME = /^[a-zA-Z][a-zA-Z0-9-]{2,21}[a-zA-Z0-9]$/;

/**
 * Parses the managed cluster's resource id. ARM treats the segment names and the provider
 * case-insensitively; the id is rebuilt in ARM's canonical casing so that the URLs the action
 * writes never depend on how the user typed it.
 */
export function parseManagedClusterId(input: string, value: string): ManagedClusterId {
  const example = `'/subscriptions/<subscription guid>/resourceGroups/<group>/providers/Microsoft.ServiceFabric/managedClusters/<cluster>'`;
  const text = value.trim();
  if (/[?#\\%]|\/\//.test(text) || !text.startsWith('/')) {
    throw new ArmTargetError(`'${input}' must be the managed cluster's resource id, such as ${example}, not '${text}'.`);
  }
  const s = text.replace(/\/$/, '').split('/').slice(1);
  const named = (i: number, name: string) => s[i]?.toLowerCase() === name.toLowerCase();
  if (
    s.length !== 8 ||
    !named(0, 'subscriptions') ||
    !named(2, 'resourceGroups') ||
    !named(4, 'providers') ||
    !named(5, 'Microsoft.ServiceFabric') ||
    !named(6, 'managedClusters')
  ) {
    const hint = named(6, 'clusters') ? ' (Microsoft.ServiceFabric/clusters is a classic cluster: release to it through its gateway instead)' : '';
    throw new ArmTargetError(`'${input}' must be a managed cluster's resource id, such as ${example}${hint}, not '${text}'.`);
  }
  const [subscriptionId, resourceGroup, clusterName] = [s[1]!, s[3]!, s[7]!];
  if (!GUID.test(subscriptionId)) throw new ArmTargetError(`'${input}' names the subscription '${subscriptionId}', which is not a subscription id (a GUID).`);
  if (!RESOURCE_GROUP.test(resourceGroup))
    throw new ArmTargetError(`'${input}' names the resource group '${resourceGroup}', which is not a valid resource group name.`);
  if (!CLUSTER_NAME.test(clusterName)) {
    throw new ArmTargetError(
      `'${input}' names the cluster '${clusterName}', which is not a valid managed cluster name (4-23 letters, digits and hyphens, starting with a letter).`
    );
  }
  const id = `/subscriptions/${subscriptionId.toLowerCase()}/resourceGroups/${resourceGroup}/providers/Microsoft.ServiceFabric/managedClusters/${clusterName}`;
  return { subscriptionId: subscriptionId.toLowerCase(), resourceGroup, clusterName, id };
}

/**
 * The ARM endpoint: https and one of Azure's ARM hosts, because the action sends its Azure AD token
 * there. `testOrigin` is the one origin the tests may add (SFU_TEST_ARM_ORIGIN, loopback only).
 */
export function parseArmEndpoint(input: string, value: string, testOrigin?: string): string {
  const text = value.trim() === '' ? DEFAULT_ARM_ENDPOINT : value.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ArmTargetError(`'${input}' is not a URL: give the ARM endpoint of the cluster's cloud, such as '${DEFAULT_ARM_ENDPOINT}'.`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || (url.pathname !== '/' && url.pathname !== '')) {
    throw new ArmTargetError(`'${input}' must be the ARM endpoint alone, such as '${DEFAULT_ARM_ENDPOINT}', without a path, query or credentials.`);
  }
  if (testOrigin !== undefined && url.origin === testOrigin) return url.origin;
  if (url.protocol !== 'https:' || url.port !== '' || !ARM_HOSTS.includes(url.hostname.toLowerCase())) {
    throw new ArmTargetError(
      `'${input}' must be one of Azure's ARM endpoints (${ARM_HOSTS.map(h => `https://${h}`).join(', ')}), not '${url.origin}': the action sends its Azure AD token there.`
    );
  }
  return `https://${url.hostname.toLowerCase()}`;
}

/** A test origin for ARM (the emulator): loopback http(s) only, else refused. */
export function testArmOrigin(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const url = new URL(value.trim());
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new ArmTargetError(`SFU_TEST_ARM_ORIGIN must be a loopback origin (the emulator), not '${url.origin}'.`);
  }
  return url.origin;
}

/**
 * The resource the Azure AD token for ARM is asked for (scope `<resource>/.default`): the endpoint
 * of the cloud's ARM; the public cloud's for the test origin, as the emulator's authority issues it.
 */
export function armResource(endpoint: string): string {
  const url = new URL(endpoint);
  return ARM_HOSTS.includes(url.hostname) && url.protocol === 'https:' ? url.origin : DEFAULT_ARM_ENDPOINT;
}

/** The resource ids (paths) and URLs of what a release writes under the managed cluster. */
export class ManagedClusterResources {
  constructor(
    readonly endpoint: string,
    readonly cluster: ManagedClusterId
  ) {}

  applicationTypeId(typeName: string): string {
    return `${this.cluster.id}/applicationTypes/${encodeURIComponent(typeName)}`;
  }

  versionId(typeName: string, typeVersion: string): string {
    return `${this.applicationTypeId(typeName)}/versions/${encodeURIComponent(typeVersion)}`;
  }

  applicationId(appName: string): string {
    return `${this.cluster.id}/applications/${encodeURIComponent(appName)}`;
  }

  applicationsId(): string {
    return `${this.cluster.id}/applications`;
  }

  url(resourceId: string): string {
    return `${this.endpoint}${resourceId}?api-version=${ARM_API_VERSION}`;
  }
}

/**
 * The application's ARM name from its Service Fabric name: `fabric:/MyApp` → `MyApp`. ARM names one
 * application per resource, so a name with more segments (`fabric:/a/b`) cannot be released this way.
 */
export function armApplicationName(input: string, fabricName: string): string {
  const name = fabricName.replace(/^fabric:\//, '');
  if (name === '' || name.includes('/')) {
    throw new ArmTargetError(
      `'${input}' is '${fabricName}': a managed cluster's ARM application resource takes a single-segment name such as 'fabric:/MyApp'.`
    );
  }
  return name;
}

/** True when two ARM resource ids name the same resource (ARM compares them case-insensitively). */
export function sameResourceId(a: string, b: string): boolean {
  return a.replace(/\/$/, '').toLowerCase() === b.replace(/\/$/, '').toLowerCase();
}

/** The managed cluster a release goes to through ARM: the `arm` part of the core's job. */
export interface ArmSpec {
  cluster: ManagedClusterId;
  /** The ARM endpoint's origin (checked by parseArmEndpoint). */
  endpoint: string;
}

const LOGIN_HOSTS: Record<string, string> = {
  'management.azure.com': 'https://login.microsoftonline.com',
  'management.usgovcloudapi.net': 'https://login.microsoftonline.us',
  'management.chinacloudapi.cn': 'https://login.chinacloudapi.cn'
};

/**
 * The Azure AD authority of the ARM endpoint's cloud, for the ARM and Storage tokens. The test
 * origin (the emulator) issues its tokens on its own origin.
 */
export function armLoginHost(endpoint: string): string {
  const url = new URL(endpoint);
  return (url.protocol === 'https:' ? LOGIN_HOSTS[url.hostname] : undefined) ?? url.origin;
}
