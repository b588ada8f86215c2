import { describe, expect, it } from 'vitest';
import { JobEventDelivery } from '../../../../local/mediaconvert/JobEventDelivery.js';
import { type JobStateChangeEvent, jobStateChangeEvent } from '../../../../local/mediaconvert/jobStateChangeEvent.js';

const job = { id: 'job-1', arn: 'arn:aws:mediaconvert:us-east-1:000000000000:jobs/job-1', queue: 'q', userMetadata: {} };
const source = { region: 'us-east-1', accountId: '000000000000' };

function recordingLog() {
  const lines: string[] = [];
  return { lines, log: { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(`warn: ${m}`), error: (m: string) => lines.push(`error: ${m}`) } };
}

describe('JobEventDelivery', () => {
  it("retries a failed delivery after each delay and keeps the job's events in order", async () => {
    const delivered: string[] = [];
    let failures = 1;
    const { lines, log } = recordingLog();
    const delivery = new JobEventDelivery(
      async (event: JobStateChangeEvent) => {
        if (failures-- > 0) throw new Error('busy');
        delivered.push(event.detail.status);
      },
      log,
      [0, 0],
    );
    delivery.send(jobStateChangeEvent(job, source, { status: 'PROGRESSING' }));
    delivery.send(jobStateChangeEvent(job, source, { status: 'CANCELED' }));
    await delivery.idle();
    expect(delivered).toEqual(['PROGRESSING', 'CANCELED']);
    expect(lines).toEqual(['warn: MediaConvert PROGRESSING event of job job-1 failed (busy); retrying in 0 ms']);
  });

  it('gives an event up, logged, after the last retry, and goes on with the next', async () => {
    const delivered: string[] = [];
    const { lines, log } = recordingLog();
    const delivery = new JobEventDelivery(
      async (event: JobStateChangeEvent) => {
        if (event.detail.status === 'PROGRESSING') throw new Error('down');
        delivered.push(event.detail.status);
      },
      log,
      [0, 0],
    );
    delivery.send(jobStateChangeEvent(job, source, { status: 'PROGRESSING' }));
    delivery.send(jobStateChangeEvent(job, source, { status: 'ERROR', errorCode: 1010, errorMessage: 'bad input' }));
    await delivery.idle();
    expect(delivered).toEqual(['ERROR']);
    expect(lines.filter((line) => line.startsWith('warn:'))).toHaveLength(2);
    expect(lines.at(-1)).toBe('error: MediaConvert PROGRESSING event of job job-1 was not delivered after 3 attempts; dropped');
  });
});
