import { describe, expect, it } from 'vitest';
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
