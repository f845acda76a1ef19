// The emulated ARM's long-running operations: each has an id, an Azure-AsyncOperation URL and a
// check that reads the cluster manager's state, so an operation ends when the cluster's work does.
import { randomUUID } from 'node:crypto';

export type ArmOperationStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled';

export interface ArmOperationCheck {
  status: ArmOperationStatus;
  error?: { code: string; message: string };
}

interface Operation {
  id: string;
  startTime: string;
  endTime?: string;
  check: () => ArmOperationCheck;
  /** Set once the operation ended: its answer no longer changes. */
  ended?: ArmOperationCheck;
}

export class ArmOperations {
  private readonly operations = new Map<string, Operation>();

  /** Starts following `check`; returns the operation's id. */
  start(check: () => ArmOperationCheck): string {
    const id = randomUUID();
    this.operations.set(id, { id, startTime: new Date().toISOString(), check });
    return id;
  }

  /** The operation-status body (`{id,name,status,startTime,endTime,error}`), or undefined for an unknown id. */
  status(id: string): Record<string, unknown> | undefined {
    const op = this.operations.get(id.toLowerCase());
    if (op === undefined) return undefined;
    if (op.ended === undefined) {
      const now = op.check();
      if (now.status !== 'InProgress') {
        op.ended = now;
        op.endTime = new Date().toISOString();
      }
    }
    const state = op.ended ?? { status: 'InProgress' as const };
    return {
      id: op.id,
      name: op.id,
      status: state.status,
      startTime: op.startTime,
      ...(op.endTime !== undefined ? { endTime: op.endTime, percentComplete: 100 } : { percentComplete: 0 }),
      ...(state.error !== undefined ? { error: state.error } : {})
    };
  }
}
