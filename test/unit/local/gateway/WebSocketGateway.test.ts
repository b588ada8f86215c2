import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { WebSocketGateway } from '../../../../local/gateway/WebSocketGateway.js';
import { silentLog } from '../../../../local/localLog.js';

function gateway(): WebSocketGateway {
  return new WebSocketGateway({
    routes: [],
    authorizer: { id: 'Authorize', handler: 'ws-authorize', description: '', access: {} },
    invoke: async () => {
      throw new Error('not invoked in these tests');
    },
    log: silentLog,
  });
}

function request(method: string, remoteAddress: string, localAddress = '192.168.1.20'): IncomingMessage {
  return { method, socket: { remoteAddress, localAddress }, headers: {} } as unknown as IncomingMessage;
}

const noBody = async () => Buffer.alloc(0);

describe('WebSocketGateway: the management API', () => {
  it.each(['192.168.1.30', '10.0.0.7', '::ffff:192.168.1.30', 'fe80::1'])('answers 403 to a caller on another machine (%s), even for a connection it holds', async (address) => {
    const answer = await gateway().answerManagement(request('POST', address), '/@connections/abc=', noBody);
    expect(answer?.statusCode).toBe(403);
  });

  it.each(['127.0.0.1', '::1', '::ffff:127.0.0.1'])('answers a loopback caller (%s): 410 GoneException for a connection it does not hold', async (address) => {
    const answer = await gateway().answerManagement(request('POST', address), '/@connections/unknown=', noBody);
    expect(answer).toMatchObject({ statusCode: 410, headers: { 'x-amzn-errortype': 'GoneException' } });
  });

  it('answers the API host calling itself on its own address (the API listens on one LAN address only)', async () => {
    const answer = await gateway().answerManagement(request('GET', '192.168.1.20', '192.168.1.20'), '/@connections/unknown=', noBody);
    expect(answer?.statusCode).toBe(410);
  });

  it('leaves other paths to the HTTP API', async () => {
    expect(await gateway().answerManagement(request('POST', '127.0.0.1'), '/uploads', noBody)).toBeUndefined();
  });
});
