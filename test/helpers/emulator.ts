import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../emulator/server.js';
import type { Journal } from '../../emulator/journal.js';

export interface TestEmulator extends RunningEmulator {
  /** Absolute disk path of a store path, for byte comparisons. */
  diskPath(storePath: string): string;
  journal: Journal;
  /** `${url}/ImageStore/${path}` with `api-version` and any extra query. */
  storeUrl(pathAndAction: string, query?: Record<string, string>): string;
  dispose(): Promise<void>;
}

export async function startTestEmulator(options: Partial<EmulatorOptions> = {}): Promise<TestEmulator> {
  const root = await mkdtemp(path.join(tmpdir(), 'sfu-emulator-'));
  const running = await startEmulator({ root, port: 0, journal: true, ...options });
  return {
    ...running,
    journal: running.emulator.journal,
    diskPath: storePath => running.emulator.store.diskPath(storePath),
    storeUrl: (pathAndAction, query = {}) => {
      const q = new URLSearchParams({ 'api-version': '6.0', ...query });
      const suffix = pathAndAction === '' ? '' : `/${pathAndAction}`;
      return `${running.url}/ImageStore${suffix}?${q}`;
    },
    dispose: async () => {
      await running.close();
      await rm(root, { recursive: true, force: true });
    }
  };
}

/** Every request the emulator has answered, whatever its route. */
export function totalRequests(journal: { requests: Record<string, number> }): number {
  return Object.values(journal.requests).reduce((a, b) => a + b, 0);
}
