import type { AadOptions } from './aad.js';
import type { ArmSurfaceOptions } from './arm/arm-surface.js';
import type { FaultOptions } from './faults.js';
import type { LinkOptions } from './link-model.js';
import type { ManagementOptions } from './management/cluster-manager.js';

export interface EmulatorOptions {
  /** Folder holding `content/` (the store) and `staging/` (bodies in progress). */
  root: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** The runtime version: the highest api-version accepted, and whether 6.5 routes exist. */
  maxApiVersion?: string;
  /** false behaves like a 6.4 Linux cluster: the four session routes answer 400 E_INVALIDARG. */
  uploadSessions?: boolean;
  sessionTimeoutSeconds?: number;
  /** `\` as Windows clusters answer (the default), or `/` as Linux clusters do. */
  pathSeparator?: '\\' | '/';
  /**
   * Compare paths case-insensitively, keeping the case of a name's first write, as a Windows
   * cluster (NTFS) does. Default: true when `pathSeparator` is `\`, false when it is `/`.
   */
  caseInsensitive?: boolean;
  /** Added before every answer, to stand in for a remote cluster. */
  latencyMs?: number;
  /** A link of limited bandwidth, shared by all connections (link-model.ts); unlimited when left out. */
  link?: LinkOptions;
  /** Serves `GET /__emulator/journal` and checks clients for protocol mistakes. */
  journal?: boolean;
  /** Entries per listing page before a ContinuationToken is given. [undoc] the runtime's size. */
  listPageSize?: number;
  /** Seeded fault injection (busy, timeout, reset, lost answers, stalls, failovers). */
  faults?: FaultOptions;
  /** Serve HTTPS with this certificate; `clientCa` makes a client certificate signed by it required. */
  tls?: { cert: string | Buffer; key: string | Buffer; clientCa?: string | Buffer };
  /** Secure the cluster with Azure AD: metadata, an authority of its own, bearer tokens required. */
  aad?: AadOptions;
  /** The cluster manager: upgrade domains, their pace, provision delay, unhealthy versions. */
  management?: ManagementOptions;
  /** Serve a managed cluster's ARM surface (emulator/arm/) for this resource id; needs `aad` (ARM takes its tokens). */
  arm?: ArmSurfaceOptions;
}

/** Whether the emulated cluster compares paths case-insensitively (see EmulatorOptions.caseInsensitive). */
export function isCaseInsensitive(options: EmulatorOptions): boolean {
  return options.caseInsensitive ?? (options.pathSeparator ?? '\\') === '\\';
}
