import { describe, expect, it, vi } from 'vitest';
import { BytesSentReporter } from '../../../client/BytesSentReporter.js';
import { BYTES_SENT_MIN_INTERVAL_MS } from '../../../client/protocol.js';

const TOTAL = 1_000;

function setup(open = true) {
  let now = 0;
  const reports: number[] = [];
  const release = vi.fn();
  const channel = {
    lease: vi.fn(() => release),
    report: vi.fn((_uploadId: string, bytesSent: number) => {
      if (open) reports.push(bytesSent);
      return open;
    }),
  };
  const reporter = new BytesSentReporter(channel, () => now);
  reporter.setUploadId('up1');
  const progress = (loadedBytes: number, partsDone = 0, partCount = 10) => reporter.update({ loadedBytes, totalBytes: TOTAL, partsDone, partCount });
  return {
    reporter,
    channel,
    release,
    reports,
    progress,
    at: (ms: number) => {
      now = ms;
    },
    setOpen: (value: boolean) => {
      open = value;
    },
  };
}

describe('BytesSentReporter', () => {
  it('reports at most once per interval, and only after 5 % more of the file', () => {
    const { reports, progress, at } = setup();

    at(0);
    progress(0); // nothing sent yet
    progress(40); // 4 %: too small a step
    progress(60);
    at(1_000);
    progress(200); // too soon after the report at 60
    at(BYTES_SENT_MIN_INTERVAL_MS);
    progress(90); // only 3 % over the last report
    progress(200);
    at(BYTES_SENT_MIN_INTERVAL_MS * 2);
    progress(1_000);

    expect(reports).toEqual([60, 200, 1_000]);
  });

  it('does not count a report that found no open socket, so the next progress tries again', () => {
    const { reports, progress, at, setOpen } = setup(false);

    at(0);
    progress(100);
    setOpen(true);
    at(1);
    progress(150);

    expect(reports).toEqual([150]);
  });

  it('opens the connection only while two or more parts remain, and releases it when stopped', () => {
    const small = setup();
    small.progress(0, 0, 1);
    expect(small.channel.lease).not.toHaveBeenCalled();

    const { reporter, channel, release, progress } = setup();
    progress(0, 0, 10);
    progress(100, 1, 10);
    expect(channel.lease).toHaveBeenCalledTimes(1);
    reporter.stop();
    expect(release).toHaveBeenCalledTimes(1);
  });

  it('reports nothing before the upload has an id', () => {
    const channel = { lease: vi.fn(() => () => undefined), report: vi.fn(() => true) };
    new BytesSentReporter(channel, () => 0).update({ loadedBytes: 500, totalBytes: TOTAL, partsDone: 5, partCount: 10 });

    expect(channel.report).not.toHaveBeenCalled();
    expect(channel.lease).not.toHaveBeenCalled();
  });
});
