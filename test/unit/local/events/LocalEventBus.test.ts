import { describe, expect, it } from 'vitest';
import { checkLocalWebhooks } from '../../../../local/events/checkLocalWebhooks.js';
import { LocalEventBus } from '../../../../local/events/LocalEventBus.js';

const detail = (status: string) => JSON.stringify({ eventId: `u1.${status}`, ownerId: 'alice', upload: { uploadId: 'u1', status } });

function bus() {
  const queued: string[] = [];
  const events = new LocalEventBus({
    busName: 'local-bus',
    account: '000000000000',
    region: 'us-east-1',
    rules: [{ id: 'all' }, { id: 'finished', events: ['Upload Ready', 'Upload Failed'] }],
    sendToWebhookQueue: (body) => queued.push(body),
  });
  return { events, queued: () => queued.map((body) => JSON.parse(body) as { webhook: string; event: { 'detail-type': string } }) };
}

describe('LocalEventBus', () => {
  it('makes each entry the event EventBridge hands a rule, and queues { webhook, event } for every webhook whose rule matches', () => {
    const { events, queued } = bus();

    const results = events.put([
      { EventBusName: 'local-bus', Source: 'media-pipeline', DetailType: 'Upload Created', Detail: detail('initiated'), Time: 1_740_830_400 },
      { EventBusName: 'local-bus', Source: 'media-pipeline', DetailType: 'Upload Ready', Detail: detail('ready'), Time: 1_740_830_460 },
    ]);

    expect(results.every((result) => 'eventId' in result)).toBe(true);
    expect(events.events[0]).toEqual({
      version: '0',
      id: expect.any(String),
      'detail-type': 'Upload Created',
      source: 'media-pipeline',
      account: '000000000000',
      time: '2025-03-01T12:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: JSON.parse(detail('initiated')),
    });
    expect(queued().map((message) => `${message.webhook}:${message.event['detail-type']}`)).toEqual(['all:Upload Created', 'all:Upload Ready', 'finished:Upload Ready']);
  });

  it('refuses, per entry, another bus and a detail that is not JSON, and routes nothing from another source', () => {
    const { events, queued } = bus();

    const results = events.put([
      { EventBusName: 'default', Source: 'media-pipeline', DetailType: 'Upload Ready', Detail: detail('ready') },
      { EventBusName: 'local-bus', Source: 'media-pipeline', DetailType: 'Upload Ready', Detail: '{' },
      { EventBusName: 'local-bus', Source: 'someone-else', DetailType: 'Upload Ready', Detail: detail('ready') },
    ]);

    expect(results.map((result) => ('errorCode' in result ? result.errorCode : 'ok'))).toEqual(['ResourceNotFoundException', 'MalformedDetail', 'ok']);
    expect(queued()).toEqual([]);
  });

  it('refuses, per entry and without throwing, an entry that is not an object and a Time that is no date (the endpoint is unsigned: one such request took local mode down)', () => {
    const { events, queued } = bus();

    const results = events.put([
      null as never,
      { EventBusName: 'local-bus', Source: 'media-pipeline', DetailType: 'Upload Ready', Detail: detail('ready'), Time: 1e20 },
      { EventBusName: 'local-bus', Source: 'media-pipeline', DetailType: 'Upload Ready', Detail: detail('ready'), Time: '2025' as never },
      { EventBusName: 'local-bus', Source: 'media-pipeline', DetailType: 'Upload Ready', Detail: detail('ready') },
    ]);

    expect(results.map((result) => ('errorCode' in result ? result.errorCode : 'ok'))).toEqual(['InvalidArgument', 'InvalidArgument', 'InvalidArgument', 'ok']);
    expect(queued().map((message) => message.webhook)).toEqual(['all', 'finished']);
  });
});

describe('checkLocalWebhooks', () => {
  const secret = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;

  it('takes https anywhere and http on loopback', () => {
    expect(() =>
      checkLocalWebhooks([
        { id: 'a', url: 'https://hooks.example.com/in', secret },
        { id: 'b', url: 'http://127.0.0.1:9000/in', secret },
        { id: 'c', url: 'http://localhost:9000/in', secret },
        { id: 'd', url: 'http://[::1]:9000/in', secret },
      ]),
    ).not.toThrow();
  });

  it.each([
    [{ id: 'a', url: 'http://192.168.1.20/in', secret }, "webhooks[0].url must be https://, or http:// on a loopback host (127.0.0.1, ::1, localhost), got 'http://192.168.1.20/in'"],
    [{ id: 'a b', url: 'https://hooks.example.com/in', secret }, "webhooks[0].id must be 1 to 64 letters, digits and hyphens, got 'a b'"],
    [{ id: 'a', url: 'https://hooks.example.com/in', secret: 'plain' }, 'webhooks[0].secret must be a Standard Webhooks secret (whsec_ and base64), got a value that does not start with whsec_'],
    [{ id: 'a', url: 'https://hooks.example.com/in', secret, events: ['Upload Done' as never] }, "webhooks[0].events has 'Upload Done'"],
  ])('refuses %j, naming it', (webhook, message) => {
    expect(() => checkLocalWebhooks([webhook])).toThrow(message);
  });
});
