import { describe, expect, it } from 'vitest';
import { parseClientMessage } from '../../../../lambdas/ws-message/parseClientMessage.js';

const ID = '0b8f6a52-3c1e-4d2a-9f7b-5e6d7c8b9a01';

describe('parseClientMessage', () => {
  it.each([
    [{ action: 'subscribe', uploadId: ID }],
    [{ action: 'subscribe' }],
    [{ action: 'unsubscribe', uploadId: ID }],
    [{ action: 'unsubscribe' }],
    [{ action: 'ping' }],
  ])('reads %j', (message) => {
    expect(parseClientMessage(JSON.stringify(message))).toEqual({ ok: true, message });
  });

  it('reads a progress report with any bytesSent, leaving its rules to the progress check (INVALID_PROGRESS, not INVALID_MESSAGE)', () => {
    expect(parseClientMessage(JSON.stringify({ action: 'progress', uploadId: ID, bytesSent: 'lots' }))).toEqual({
      ok: true,
      message: { action: 'progress', uploadId: ID, bytesSent: 'lots' },
    });
  });

  it.each([
    ['not JSON', '{"action":', 'The message is not JSON'],
    ['empty', '', 'The message is not JSON'],
    ['without an action', '{"uploadId":"x"}', 'The message has no action: expected one of subscribe, unsubscribe, progress, ping'],
    ['an unknown action', '{"action":"drop"}', 'Unknown action "drop": expected one of subscribe, unsubscribe, progress, ping'],
    ['an action that is not a string', '{"action":7}', 'Unknown action 7: expected one of subscribe, unsubscribe, progress, ping'],
    ['null', 'null', 'The message has no action: expected one of subscribe, unsubscribe, progress, ping'],
  ])('refuses a message that is %s with INVALID_MESSAGE saying so', (_case, body, message) => {
    expect(parseClientMessage(body)).toEqual({ ok: false, refusal: { type: 'error', error: { code: 'INVALID_MESSAGE', message } } });
  });

  it('names the malformed field of a known action', () => {
    const result = parseClientMessage(JSON.stringify({ action: 'progress', bytesSent: 1 }));

    expect(result).toMatchObject({ ok: false, refusal: { error: { code: 'INVALID_MESSAGE', message: expect.stringMatching(/^The progress message is malformed: uploadId /) } } });
  });
});
