// The emulated ARM's application type versions (`…/applicationTypes/{type}/versions/{version}`):
// a PUT is an ExternalStore provision of `properties.appPackageUrl` by the cluster manager; the
// resource keeps its `appPackageUrl` and its `tags` as ARM does (the spec's
// ApplicationTypeVersionResource has `tags`; PATCH takes `{ tags }`, ApplicationTypeVersionUpdateParameters).
//
// [undoc] choices: a PUT replaces the tags (none given: none kept), a PATCH replaces them too (ARM's
// tags-only update of a proxy resource); a resource without tags shows no `tags`; a PUT of a version
// provisioned already provisions nothing again (its package is fixed) but takes the PUT's tags.
import type { ClusterManager } from '../management/cluster-manager.js';
import type { ArmOperationCheck } from './arm-operations.js';
import { ArmHttpError } from './arm-resources.js';
import type { ResourceIds } from './arm-surface.js';

type Answer = { status: number; json?: unknown; headers?: Record<string, string> };

/** Starts a long-running operation and answers 202 with its Azure-AsyncOperation URL. */
export type AcceptOperation = (check: () => ArmOperationCheck, json: unknown) => Answer;

interface VersionRecord {
  appPackageUrl?: string;
  tags?: Record<string, string>;
}

/** ARM's limits on tags (Azure Resource Manager, "Tag resources"): 50 pairs, names ≤ 512 characters, values ≤ 256. */
const MAX_TAGS = 50;
const MAX_TAG_NAME = 512;
const MAX_TAG_VALUE = 256;
const RESERVED_TAG_CHARACTERS = /[<>%&\\?/]/;
const hasControlCharacter = (name: string) => [...name].some(c => c.charCodeAt(0) < 0x20);

/** Checks a body's `tags` as ARM does; undefined when the body has none. */
export function armTags(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some(v => typeof v !== 'string')) {
    throw new ArmHttpError(400, 'InvalidRequestContent', "The property 'tags' must be an object whose values are strings.");
  }
  const tags = value as Record<string, string>;
  const names = Object.keys(tags);
  const reserved = names.filter(n => RESERVED_TAG_CHARACTERS.test(n) || hasControlCharacter(n));
  if (reserved.length > 0) {
    throw new ArmHttpError(
      400,
      'InvalidTagNameCharacters',
      `The tag names '${reserved.join(',')}' have reserved characters '<,>,%,&,\\,?,/' or control characters.`
    );
  }
  // [undoc] The code of these three refusals.
  if (names.length > MAX_TAGS) throw new ArmHttpError(400, 'InvalidTag', `A resource can have at most ${MAX_TAGS} tags, not ${names.length}.`);
  const longName = names.find(n => n.length > MAX_TAG_NAME || n.length === 0);
  if (longName !== undefined) {
    throw new ArmHttpError(400, 'InvalidTag', `The tag name '${longName.slice(0, 40)}…' must have 1 to ${MAX_TAG_NAME} characters, not ${longName.length}.`);
  }
  const longValue = names.find(n => tags[n]!.length > MAX_TAG_VALUE);
  if (longValue !== undefined) {
    throw new ArmHttpError(400, 'InvalidTag', `The value of the tag '${longValue}' exceeds ${MAX_TAG_VALUE} characters (${tags[longValue]!.length}).`);
  }
  return { ...tags };
}

export class ArmTypeVersions {
  private readonly records = new Map<string, VersionRecord>();

  constructor(
    private readonly manager: ClusterManager,
    private readonly typeKnown: (typeName: string) => boolean
  ) {}

  body(ids: ResourceIds, typeName: string, version: string): Record<string, unknown> {
    const v = this.manager.types.find(typeName, version);
    const status = v ? this.manager.types.status(v) : undefined;
    const state = status === 'Available' ? 'Succeeded' : status === 'Failed' ? 'Failed' : 'Creating';
    const record = this.records.get(key(typeName, version)) ?? {};
    return {
      id: ids.version(typeName, version),
      name: version,
      type: 'Microsoft.ServiceFabric/managedClusters/applicationTypes/versions',
      ...(record.tags !== undefined ? { tags: { ...record.tags } } : {}),
      properties: { provisioningState: state, ...(record.appPackageUrl !== undefined ? { appPackageUrl: record.appPackageUrl } : {}) }
    };
  }

  list(ids: ResourceIds, typeName: string): Answer {
    return { status: 200, json: { value: this.manager.types.versionsOf(typeName).map(v => this.body(ids, v.typeName, v.version)) } };
  }

  async handle(method: string, typeName: string, version: string, raw: Buffer, ids: ResourceIds, accept: AcceptOperation): Promise<Answer> {
    const existing = this.manager.types.find(typeName, version);
    if (method === 'GET') {
      if (!existing) throw notFound(typeName, version);
      return { status: 200, json: this.body(ids, typeName, version) };
    }
    if (method === 'DELETE') {
      if (!existing) return { status: 204 };
      this.manager.unprovision(gatewayPost(`/ApplicationTypes/${encodeURIComponent(typeName)}/$/Unprovision`, { ApplicationTypeVersion: version }), typeName);
      this.records.delete(key(typeName, version));
      return accept(() => ({ status: 'Succeeded' }), undefined);
    }
    if (method === 'PATCH') {
      if (!existing) throw notFound(typeName, version);
      const tags = armTags((parseJson(raw) as { tags?: unknown }).tags);
      const record = this.records.get(key(typeName, version)) ?? {};
      this.records.set(key(typeName, version), { ...record, tags });
      return { status: 200, json: this.body(ids, typeName, version) };
    }
    if (method !== 'PUT') throw new ArmHttpError(405, 'MethodNotAllowed', `${method} is not supported on an application type version here.`);
    if (!this.typeKnown(typeName)) {
      throw new ArmHttpError(
        404,
        'ParentResourceNotFound',
        `Can not perform requested operation on nested resource. Parent resource 'applicationTypes/${typeName}' not found.`
      );
    }
    const body = parseJson(raw) as { properties?: { appPackageUrl?: unknown }; tags?: unknown };
    const url = body.properties?.appPackageUrl;
    if (typeof url !== 'string' || url === '') throw new ArmHttpError(400, 'InvalidParameter', "The property 'properties.appPackageUrl' is required.");
    const tags = armTags(body.tags);
    if (existing && this.manager.types.status(existing) === 'Available') {
      this.records.set(key(typeName, version), { ...this.records.get(key(typeName, version)), tags });
      return { status: 200, json: this.body(ids, typeName, version) };
    }
    await this.manager.provision(
      gatewayPost(
        '/ApplicationTypes/$/Provision',
        { Kind: 'ExternalStore', ApplicationPackageDownloadUri: url, ApplicationTypeName: typeName, ApplicationTypeVersion: version, Async: true },
        '6.2'
      )
    );
    this.records.set(key(typeName, version), { appPackageUrl: url, tags });
    return accept(() => this.provisionState(typeName, version), this.body(ids, typeName, version));
  }

  private provisionState(typeName: string, version: string): ArmOperationCheck {
    const v = this.manager.types.find(typeName, version);
    if (!v) return { status: 'Failed', error: { code: 'ApplicationTypeNotFound', message: `${typeName} ${version} is no longer provisioned.` } };
    const status = this.manager.types.status(v);
    if (status === 'Available') return { status: 'Succeeded' };
    if (status === 'Failed') return { status: 'Failed', error: { code: 'ProvisionFailed', message: v.failure ?? 'The provision failed.' } };
    return { status: 'InProgress' };
  }
}

function key(typeName: string, version: string): string {
  return `${typeName}\n${version}`;
}

function notFound(typeName: string, version: string): ArmHttpError {
  return new ArmHttpError(
    404,
    'ResourceNotFound',
    `The Resource 'Microsoft.ServiceFabric/managedClusters/applicationTypes/${typeName}/versions/${version}' was not found.`
  );
}

export function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ArmHttpError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
  }
}

export function gatewayPost(pathname: string, body: unknown, apiVersion = '6.0') {
  return { method: 'POST', pathname, query: new URLSearchParams({ 'api-version': apiVersion }), body: Buffer.from(JSON.stringify(body)) };
}
