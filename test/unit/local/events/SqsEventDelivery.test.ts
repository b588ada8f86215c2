import { createHash } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { type DeliveryReport, SqsEventDelivery } from '../../../../local/events/SqsEventDelivery.js';
import { NO_HANDLER } from '../../../../local/invokeFunction.js';

const queue = { arn: 'arn:aws:sqs:us-east-1:000000000000:events', region: 'us-east-1' };

function delivery(invoke: (event: SQSEvent) => Promise<SQSBatchResponse | undefined | typeof NO_HANDLER>, maxReceiveCount = 3) {
  const reports: DeliveryReport[] = [];
  const queueUnderTest = new SqsEventDelivery({
    queue,
    invoke,
    maxReceiveCount,
    retryDelayMs: () => 5,
    onReport: (report) => reports.push(report),
  });
  return { queue: queueUnderTest, reports };
}

describe('SqsEventDelivery', () => {
  it('delivers a sent body as an SQS event without blocking the sender', async () => {
    const invoke = vi.fn(async (_event: SQSEvent) => undefined);
    const { queue: events, reports } = delivery(invoke);

    const messageId = events.send('{"Records":[]}');
    expect(invoke).not.toHaveBeenCalled();
    await events.idle();

    expect(invoke).toHaveBeenCalledTimes(1);
    const [record] = invoke.mock.calls[0]![0].Records;
    expect(record).toMatchObject({
      messageId,
      body: '{"Records":[]}',
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: 'us-east-1',
      md5OfBody: createHash('md5').update('{"Records":[]}').digest('hex'),
      attributes: { ApproximateReceiveCount: '1' },
    });
    expect(reports).toEqual([{ messageId, event: invoke.mock.calls[0]![0], receiveCount: 1, outcome: 'delivered' }]);
  });

  it('retries a batch whose invocation threw, with a higher receive count, until it succeeds', async () => {
    const invoke = vi.fn<(event: SQSEvent) => Promise<undefined>>().mockRejectedValueOnce(new Error('ffmpeg crashed')).mockResolvedValue(undefined);
    const { queue: events, reports } = delivery(invoke);

    events.send('body');
    await events.idle();

    expect(invoke.mock.calls.map(([event]) => event.Records[0]!.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
    expect(reports.map((report) => [report.outcome, report.error])).toEqual([
      ['retrying', 'ffmpeg crashed'],
      ['delivered', undefined],
    ]);
  });

  it('dead-letters a message after maxReceiveCount failed receives', async () => {
    const invoke = vi.fn(async (_event: SQSEvent): Promise<undefined> => {
      throw new Error('always');
    });
    const { queue: events, reports } = delivery(invoke, 2);

    events.send('body');
    await events.idle();

    expect(invoke).toHaveBeenCalledTimes(2);
    expect(reports.map((report) => report.outcome)).toEqual(['retrying', 'dead-lettered']);
  });

  it('moves a dead-lettered message to the dead-letter queue with its id, body and sent time, from receive count 0', async () => {
    const deadLetterQueue = { arn: 'arn:aws:sqs:us-east-1:000000000000:events-dead-letters', region: 'us-east-1' };
    const consume = vi.fn(async (_event: SQSEvent) => undefined);
    const deadLetterReports: DeliveryReport[] = [];
    const deadLetters = new SqsEventDelivery({ queue: deadLetterQueue, invoke: consume, onReport: (report) => deadLetterReports.push(report) });
    const reports: DeliveryReport[] = [];
    const events = new SqsEventDelivery({
      queue,
      invoke: async () => {
        throw new Error('runtime exited');
      },
      maxReceiveCount: 2,
      retryDelayMs: () => 5,
      deadLetterQueue: deadLetters,
      onReport: (report) => reports.push(report),
    });

    const messageId = events.send('body');
    await events.idle();
    await deadLetters.idle();

    expect(reports.map((report) => [report.outcome, report.error])).toEqual([
      ['retrying', 'runtime exited'],
      ['dead-lettered', 'runtime exited'],
    ]);
    expect(consume).toHaveBeenCalledTimes(1);
    const [deadLetter] = consume.mock.calls[0]![0].Records;
    const [lastReceive] = reports[1]!.event.Records;
    expect(deadLetter).toMatchObject({
      messageId,
      body: 'body',
      eventSourceARN: deadLetterQueue.arn,
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: lastReceive!.attributes.SentTimestamp },
    });
    expect(deadLetterReports).toMatchObject([{ messageId, outcome: 'delivered', receiveCount: 1 }]);
  });

  it('keeps a dead letter out of a stopped dead-letter queue: the batch outlived stop(), which returned the message for the next start', async () => {
    let fail: () => void = () => undefined;
    const invoke = vi.fn(
      (_event: SQSEvent) =>
        new Promise<undefined>((_resolve, reject) => {
          fail = () => reject(new Error('too late'));
        }),
    );
    const consume = vi.fn(async (_event: SQSEvent) => undefined);
    const deadLetters = new SqsEventDelivery({ queue, invoke: consume });
    const reports: DeliveryReport[] = [];
    const events = new SqsEventDelivery({ queue, invoke, maxReceiveCount: 1, deadLetterQueue: deadLetters, onReport: (report) => reports.push(report) });
    const messageId = events.send('slow');
    await vi.waitFor(() => expect(invoke).toHaveBeenCalledTimes(1));

    expect(await events.stop(20)).toMatchObject([{ messageId, receiveCount: 1 }]);
    expect(await deadLetters.stop(20)).toEqual([]);
    fail();

    await vi.waitFor(() => expect(reports).toMatchObject([{ messageId, outcome: 'dead-lettered' }]));
    expect(consume).not.toHaveBeenCalled();
  });

  it('retries only the items listed in batchItemFailures', async () => {
    let firstBatch: SQSEvent | undefined;
    const invoke = vi.fn(async (event: SQSEvent): Promise<SQSBatchResponse> => {
      firstBatch ??= event;
      const failing = event.Records.filter((record) => record.body === 'bad' && record.attributes.ApproximateReceiveCount === '1');
      return { batchItemFailures: failing.map((record) => ({ itemIdentifier: record.messageId })) };
    });
    const { queue: events, reports } = delivery(invoke);

    const good = events.send('good');
    const bad = events.send('bad');
    await events.idle();

    expect(firstBatch?.Records.map((record) => record.messageId)).toEqual([good, bad]);
    expect(invoke).toHaveBeenCalledTimes(2);
    expect(invoke.mock.calls[1]![0].Records.map((record) => record.messageId)).toEqual([bad]);
    expect(reports.map((report) => [report.messageId, report.outcome])).toEqual([
      [good, 'delivered'],
      [bad, 'retrying'],
      [bad, 'delivered'],
    ]);
  });

  it('fails the whole batch when batchItemFailures names an item that is not in it, like Lambda', async () => {
    const invoke = vi
      .fn<(event: SQSEvent) => Promise<SQSBatchResponse>>()
      .mockResolvedValueOnce({ batchItemFailures: [{ itemIdentifier: 'not-in-batch' }] })
      .mockResolvedValue({ batchItemFailures: [] });
    const { queue: events, reports } = delivery(invoke);

    events.send('a');
    await events.idle();

    expect(reports.map((report) => report.outcome)).toEqual(['retrying', 'delivered']);
  });

  it('drops a message with a no-handler report when the function does not exist yet', async () => {
    const invoke = vi.fn(async (_event: SQSEvent): Promise<typeof NO_HANDLER> => NO_HANDLER);
    const { queue: events, reports } = delivery(invoke);

    events.send('body');
    await events.idle();

    expect(invoke).toHaveBeenCalledTimes(1);
    expect(reports).toMatchObject([{ outcome: 'no-handler', event: { Records: [{ body: 'body' }] } }]);
  });

  it('on stop, waits for the batch in flight and returns what is still undelivered for the next start', async () => {
    let finish: () => void = () => undefined;
    const invoke = vi.fn(
      (_event: SQSEvent) =>
        new Promise<undefined>((resolve) => {
          finish = () => resolve(undefined);
        }),
    );
    const { queue: events } = delivery(invoke);
    events.send('in flight');
    await vi.waitFor(() => expect(invoke).toHaveBeenCalledTimes(1));

    const stopped = events.stop(1_000);
    finish();

    await expect(stopped).resolves.toEqual([]);
    expect(() => events.send('late')).toThrow('The event queue is stopped');
  });

  it('keeps a batch that did not finish within the grace period, and redelivers restored messages', async () => {
    const invoke = vi.fn((_event: SQSEvent) => new Promise<undefined>(() => undefined));
    const first = delivery(invoke);
    const messageId = first.queue.send('slow');
    await vi.waitFor(() => expect(invoke).toHaveBeenCalledTimes(1));

    const pending = await first.queue.stop(20);
    expect(pending).toEqual([{ messageId, body: 'slow', sentTimestamp: expect.any(Number), receiveCount: 1 }]);

    const next = delivery(async () => undefined);
    next.queue.restore(pending);
    await next.queue.idle();
    expect(next.reports).toMatchObject([{ messageId, outcome: 'delivered', receiveCount: 2 }]);
  });

  it('counts as visible only the messages a receive would get now: not those in flight, nor those waiting out a retry', async () => {
    let finish: () => void = () => undefined;
    const invoke = vi
      .fn<(event: SQSEvent) => Promise<SQSBatchResponse | undefined>>()
      .mockImplementationOnce(() => new Promise((resolve) => (finish = () => resolve({ batchItemFailures: [{ itemIdentifier: failing }] }))))
      .mockResolvedValue(undefined);
    const events = new SqsEventDelivery({ queue, invoke, batchSize: 1, concurrency: 1, retryDelayMs: () => 60_000 });
    const failing = events.send('first');
    events.send('second');
    expect(events.visibleCount()).toBe(2);

    await vi.waitFor(() => expect(invoke).toHaveBeenCalledTimes(1));
    expect(events.visibleCount()).toBe(1);

    finish();
    await vi.waitFor(() => expect(invoke).toHaveBeenCalledTimes(2));
    await vi.waitFor(() => expect(events.visibleCount()).toBe(0));
    await events.stop(0);
  });

  it('brings a failed message back after the visibility the function set for it (ChangeMessageVisibility), not the queue delay, and only by the handle of its current receive', async () => {
    const handles: string[] = [];
    let queueUnderTest: SqsEventDelivery | undefined;
    const invoke = vi.fn(async (event: SQSEvent): Promise<SQSBatchResponse> => {
      const [record] = event.Records;
      handles.push(record!.receiptHandle);
      if (handles.length === 1) {
        expect(queueUnderTest?.changeVisibility(record!.receiptHandle, 3600)).toBe(true);
        return { batchItemFailures: [{ itemIdentifier: record!.messageId }] };
      }
      return { batchItemFailures: [] };
    });
    const { queue: events, reports } = delivery(invoke);
    queueUnderTest = events;

    events.send('body');
    await vi.waitFor(() => expect(reports).toHaveLength(1));

    expect(reports[0]?.outcome).toBe('retrying');
    // Hidden for an hour: not visible, and not received again, although the queue's own delay is 5 ms.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events.visibleCount()).toBe(0);
    expect(invoke).toHaveBeenCalledTimes(1);
    expect(events.changeVisibility(handles[0]!, 0)).toBe(false);
    await events.stop(0);
  });
});
