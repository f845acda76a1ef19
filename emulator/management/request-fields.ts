// Reading a management request: its JSON body and the fields and query parameters it must have,
// each missing one refused with 400 E_INVALIDARG naming it.
import { FabricHttpError } from '../fabric-http-error.js';

export interface ManagementRequest {
  method: string;
  pathname: string;
  query: URLSearchParams;
  body: Buffer;
}

export interface ManagementAnswer {
  status: number;
  json?: unknown;
}

export function jsonBody(request: ManagementRequest, model: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.body.toString('utf8'));
  } catch {
    throw FabricHttpError.invalidArg(`the body is not a ${model} (JSON object)`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw FabricHttpError.invalidArg(`the body is not a ${model} (JSON object)`);
  return parsed as Record<string, unknown>;
}

export function requiredString(body: Record<string, unknown>, field: string, model: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw FabricHttpError.invalidArg(`${model}.${field} is required (a string).`);
  return value;
}

export function requiredQuery(query: URLSearchParams, name: string): string {
  const value = query.get(name);
  if (!value) throw FabricHttpError.invalidArg(`the query parameter ${name} is required`);
  return value;
}
