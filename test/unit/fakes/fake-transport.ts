// A transport that answers from a script, for the gateway client's unit tests.
import { type HttpRequest, type HttpResponse, type HttpTransport, NetworkError } from '../../../src/cluster/transport.js';

export type ScriptedAnswer = { status: number; body?: unknown } | { network: string; message?: string };

export class FakeTransport {
  readonly requests: HttpRequest[] = [];
  tlsPort = false;

  constructor(private readonly answer: (request: HttpRequest, index: number) => ScriptedAnswer) {}

  asTransport(): HttpTransport {
    return this as unknown as HttpTransport;
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    this.requests.push(request);
    const a = this.answer(request, this.requests.length - 1);
    if ('network' in a) throw new NetworkError(a.message ?? a.network, a.network);
    const body = a.body === undefined ? Buffer.alloc(0) : Buffer.from(typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
    return { status: a.status, headers: {}, body };
  }

  async speaksTls(): Promise<boolean> {
    return this.tlsPort;
  }
}

export const fabricError = (status: number, code: string, message = ''): ScriptedAnswer => ({ status, body: { Error: { Code: code, Message: message } } });
