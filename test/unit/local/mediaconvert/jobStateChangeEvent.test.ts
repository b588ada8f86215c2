import { describe, expect, it } from 'vitest';
import { type JobStateDetail, jobStateChangeEvent } from '../../../../local/mediaconvert/jobStateChangeEvent.js';
import { documentedEvent, jsonKeyPaths } from '../../../support/jsonKeyPaths.js';

const OPAQUE = new Set(['userMetadata']);
const job = {
  id: '1700000000000-abc123',
  arn: 'arn:aws:mediaconvert:us-east-1:000000000000:jobs/1700000000000-abc123',
  queue: 'arn:aws:mediaconvert:us-east-1:000000000000:queues/media-pipeline',
  userMetadata: { uploadId: 'upl_1', stack: 'media-pipeline-local' },
};
const source = { region: 'us-east-1', accountId: '000000000000' };

function paths(state: JobStateDetail): Set<string> {
  return jsonKeyPaths(jobStateChangeEvent(job, source, state, new Date('2026-11-27T18:00:00.123Z')), OPAQUE);
}

const progress = {
  phaseProgress: {
    PROBING: { status: 'COMPLETE', percentComplete: 100 },
    TRANSCODING: { status: 'PROGRESSING', percentComplete: 2 },
    UPLOADING: { status: 'PENDING', percentComplete: 0 },
  },
  jobPercentComplete: 7,
  currentPhase: 'TRANSCODING',
  retryCount: 0,
} as const;

describe('jobStateChangeEvent', () => {
  it('has the envelope EventBridge gives: second-precision time, the job ARN as the resource, epoch-ms timestamp', () => {
    const event = jobStateChangeEvent(job, source, { status: 'PROGRESSING' }, new Date('2026-11-27T18:00:00.123Z'));
    expect(event).toMatchObject({
      version: '0',
      'detail-type': 'MediaConvert Job State Change',
      source: 'aws.mediaconvert',
      account: '000000000000',
      time: '2026-11-27T18:00:00Z',
      region: 'us-east-1',
      resources: [job.arn],
      detail: { timestamp: Date.parse('2026-11-27T18:00:00.123Z'), accountId: '000000000000', queue: job.queue, jobId: job.id, status: 'PROGRESSING', userMetadata: job.userMetadata },
    });
  });

  it.each([
    ['ev_status_progressing', { status: 'PROGRESSING' }],
    ['ev_status_status_update', { status: 'STATUS_UPDATE', framesDecoded: 353, jobProgress: progress }],
    ['ev_status_error', { status: 'ERROR', errorCode: 1040, errorMessage: 'Example error message' }],
    ['ev_status_canceled', { status: 'CANCELED' }],
  ] as const)('has exactly the members of the documented %s example, with the same types', (fixture, state) => {
    expect([...paths(state as JobStateDetail)].sort()).toEqual([...jsonKeyPaths(documentedEvent(fixture), OPAQUE)].sort());
  });

  it('COMPLETE: every member is in the documented HLS or frame-capture examples, including every path our status handler reads', () => {
    const ours = paths({
      status: 'COMPLETE',
      outputGroupDetails: [
        {
          type: 'HLS_GROUP',
          playlistFilePaths: ['s3://media/media/upl_1/master.m3u8'],
          outputDetails: [{ outputFilePaths: ['s3://media/media/upl_1/master_360p.m3u8'], durationInMs: 4000, videoDetails: { widthInPx: 640, heightInPx: 360 } }],
        },
        {
          type: 'FILE_GROUP',
          outputDetails: [{ outputFilePaths: ['s3://media/media/upl_1/thumbnails/frame.0000003.jpg'], durationInMs: 4000, videoDetails: { widthInPx: 160, heightInPx: 90 } }],
        },
      ],
    });
    const documented = new Set([
      ...jsonKeyPaths(documentedEvent('apple-hls-group'), OPAQUE),
      ...jsonKeyPaths(documentedEvent('file-group-with-frame-capture-output'), OPAQUE),
    ]);
    expect([...ours].filter((path) => !documented.has(path))).toEqual([]);
    expect([...ours]).toEqual(
      expect.arrayContaining([
        'detail.outputGroupDetails[].type: string',
        'detail.outputGroupDetails[].playlistFilePaths[]: string',
        'detail.outputGroupDetails[].outputDetails[].outputFilePaths[]: string',
        'detail.outputGroupDetails[].outputDetails[].durationInMs: number',
        'detail.outputGroupDetails[].outputDetails[].videoDetails.widthInPx: number',
        'detail.outputGroupDetails[].outputDetails[].videoDetails.heightInPx: number',
        'detail.userMetadata: object',
      ]),
    );
  });
});
