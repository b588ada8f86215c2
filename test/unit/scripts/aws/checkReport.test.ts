import { describe, expect, it } from 'vitest';
import type { AwsCheckTargets } from '../../../../scripts/aws/awsCheckTargets.js';
import { buildCheckReport, reportAgrees, reportFolderName, reportSummary } from '../../../../scripts/aws/checkReport.js';
import { compareOutputNames } from '../../../../scripts/aws/compareOutputNames.js';
import type { ProbeRecord } from '../../../../scripts/aws/probeRecord.js';
import type { CheckJobRun } from '../../../../scripts/aws/runCheckJob.js';

const TARGETS: AwsCheckTargets = {
  region: 'eu-west-1',
  stackName: undefined,
  queueArn: 'arn:aws:mediaconvert:eu-west-1:123456789012:queues/media-pipeline',
  roleArn: 'arn:aws:iam::123456789012:role/job',
  uploadsBucket: 'uploads',
  mediaBucket: 'media',
};

const EMULATED_NAMES = ['master.m3u8', 'master_240p.m3u8', 'master_240p_00001.ts', 'master_240p_00002.ts', 'thumbnails/frame.0000000.jpg', 'thumbnails/frame.0000001.jpg'];
const objects = (keys: readonly string[]) => keys.map((key) => ({ key, size: 100 }));

function run(overrides: Partial<CheckJobRun> = {}): CheckJobRun {
  return {
    wireBody: {},
    create: { ok: true, at: '2026-11-27T12:00:00.000Z' },
    jobId: 'job-1',
    settingsAsEchoed: undefined,
    snapshots: [],
    finalStatus: 'COMPLETE',
    errorCode: undefined,
    errorMessage: undefined,
    ...overrides,
  };
}

/** A probe whose job did on AWS exactly what the emulator did, unless overridden. */
function record(overrides: Partial<ProbeRecord> & { awsNames?: readonly string[] } = {}): ProbeRecord {
  const { awsNames = EMULATED_NAMES, ...rest } = overrides;
  return {
    name: 'landscape-1080p30',
    role: 'probe',
    what: '1080p',
    fixture: { bytes: 1000, seconds: 8, width: 1920, height: 1080, fps: 30, hasAudio: true, rotation: 0 },
    uploadId: 'awscheck-x-landscape-1080p30',
    jobFolder: 'media/awscheck-x-landscape-1080p30/job-0123456789abcdef/',
    renditions: [{ name: '240p', width: 426, height: 240, fps: 30 }],
    settingsSent: { Role: TARGETS.roleArn, Settings: { Inputs: [{ InputClippings: [{ EndTimecode: '04:00:01:00' }] }] } },
    run: run(),
    written: objects(awsNames),
    playlists: {},
    emulated: { accepted: true, outcome: { status: 'COMPLETE', outputGroupDetails: [] }, written: objects(EMULATED_NAMES), playlists: {} },
    comparison: compareOutputNames(awsNames, EMULATED_NAMES),
    cleanup: { deleted: 7, failures: [] },
    ...rest,
  };
}

const portrait = (aws: 'upright' | 'turned', sizes: readonly [number, number][] = [[240, 426]]) =>
  record({
    name: 'portrait-rotated',
    renditions: [{ name: '240p', width: 240, height: 426, fps: 30 }],
    run: run({
      snapshots: [{ at: 'x', Role: 'r', OutputGroupDetails: [{ OutputDetails: sizes.map(([w, h]) => ({ VideoDetails: { WidthInPx: w, HeightInPx: h } })) }] }],
    }),
    orientation: { aws, emulator: 'upright' },
  });

const cancelled = (overrides: Partial<CheckJobRun> = {}, left: readonly string[] = []) =>
  record({
    name: 'cancel-progressing',
    role: 'cancel',
    awsNames: left,
    comparison: undefined,
    emulated: { accepted: true, outcome: { status: 'CANCELED' }, written: [], playlists: {} },
    run: run({
      finalStatus: 'CANCELED',
      cancelWhileProgressing: { ok: true, at: 'x' },
      cancelAfterEnd: { ok: false, at: 'y', name: 'ConflictException', httpStatusCode: 409, message: 'already ended' },
      ...overrides,
    }),
  });

const silentSelector = (status: 'ERROR' | 'COMPLETE', errorCode?: number) =>
  record({
    name: 'silent-audio-selector',
    role: 'silent-audio-selector',
    run: run({ finalStatus: status, errorCode, errorMessage: errorCode === undefined ? undefined : 'Audio Error' }),
    emulated: { accepted: true, outcome: { status: 'ERROR', errorCode: 1021, errorMessage: 'Audio Error: no audio stream' }, written: [], playlists: {} },
    awsNames: [],
    comparison: compareOutputNames([], []),
  });

const agreeing = () => [record(), portrait('upright'), cancelled(), silentSelector('ERROR', 1021)];
const report = (records: readonly ProbeRecord[], jobErrors = {}) =>
  buildCheckReport({ startedAt: new Date('2026-11-27T12:00:00Z'), finishedAt: new Date('2026-11-27T12:05:00Z'), targets: TARGETS, records, jobErrors });
const answer = (records: readonly ProbeRecord[], item: number) => report(records).answers.find((a) => a.item === item);

describe('buildCheckReport', () => {
  it('agrees throughout when AWS did what the emulator does', () => {
    const built = report(agreeing());
    expect(built.answers.map((a) => [a.item, a.agrees])).toEqual([[1, true], [3, true], [4, true], [5, true], [6, true], [9, true]]);
    expect(Object.values(built.differences).flat()).toEqual([]);
    expect(reportAgrees(built)).toBe(true);
    expect(built.jobs).toHaveLength(4);
  });

  it('answers segment names and frame numbering from what AWS wrote', () => {
    const awsNames = ['master.m3u8', 'master_240p.m3u8', 'master_240p_00001.ts', 'master_240p_00002.ts', 'thumbnails/frame.0000001.jpg', 'thumbnails/frame.0000002.jpg'];
    const records = [record({ awsNames }), ...agreeing().slice(1)];
    expect(answer(records, 1)).toMatchObject({ agrees: true, aws: 'landscape-1080p30: master_240p_{n:5}.ts from 1' });
    expect(answer(records, 3)).toMatchObject({ agrees: false, aws: 'landscape-1080p30: thumbnails/frame.{n:7}.jpg from 1', emulator: 'thumbnails/frame.{n:7}.jpg from 0' });
    expect(report(records).differences['landscape-1080p30']).toEqual(['thumbnails/frame.{n:7}.jpg: AWS writes 2 from 1 to 2, the emulator 2 from 0 to 1']);
    expect(reportAgrees(report(records))).toBe(false);
  });

  it('leaves a question open when no job could answer it', () => {
    const records = [record({ run: run({ finalStatus: 'ERROR', errorCode: 1999, errorMessage: 'x' }) })];
    expect(answer(records, 1)).toMatchObject({ agrees: undefined, aws: 'not answered: no probe job completed' });
    expect(answer(records, 5)).toMatchObject({ agrees: undefined, aws: 'not answered: the portrait job did not run' });
    expect(answer(records, 6)?.agrees).toBeUndefined();
    expect(reportAgrees(report(records))).toBe(false);
  });

  it('reports an EndTimecode past the end that AWS refuses (1060)', () => {
    const records = [record({ run: run({ finalStatus: 'ERROR', errorCode: 1060, errorMessage: 'clip past the end' }) })];
    expect(answer(records, 4)).toMatchObject({
      agrees: false,
      aws: 'landscape-1080p30 (8 s, clipped at 04:00:01:00): ERROR 1060 (clip past the end)',
    });
  });

  it('says a portrait output came out turned, or at another size than asked', () => {
    expect(answer([portrait('turned')], 5)).toMatchObject({ agrees: false, aws: 'requested 240x426; GetJob reports 240x426; first frame capture: turned' });
    expect(answer([portrait('upright', [[426, 240]])], 5)?.agrees).toBe(false);
    expect(report([portrait('turned')]).differences['portrait-rotated']).toContain('first frame capture: AWS turned, the emulator upright');
  });

  it('describes CancelJob answers and what a cancelled job left behind', () => {
    const leftovers = cancelled({ cancelAfterEnd: { ok: false, at: 'y', name: 'BadRequestException', httpStatusCode: 400, message: 'ended' } }, ['master_240p_00001.ts']);
    expect(answer([leftovers], 6)).toMatchObject({
      agrees: false,
      aws: 'while PROGRESSING: accepted, the job ended CANCELED leaving 1 object; once ended: BadRequestException (HTTP 400): ended',
    });
    expect(answer([cancelled({ cancelWhileProgressing: undefined, finalStatus: 'COMPLETE' })], 6)).toMatchObject({
      agrees: undefined,
      aws: 'not answered: the job was never seen PROGRESSING (it ended COMPLETE)',
    });
  });

  it('compares what AWS does with an audio selector on a silent input with the emulator (1021)', () => {
    expect(answer([silentSelector('COMPLETE')], 9)).toMatchObject({ agrees: false, aws: 'COMPLETE', emulator: 'ERROR 1021' });
    expect(report([silentSelector('COMPLETE')]).differences['silent-audio-selector']).toEqual(['AWS ended COMPLETE, the emulator ERROR 1021']);
  });

  it("records the emulator's schema refusing the body AWS was sent", () => {
    const refused = record({ emulated: { accepted: false, refusal: 'settings.foo: unknown key' }, comparison: undefined });
    expect(report([refused]).differences['landscape-1080p30']).toEqual(["the emulator's schema refuses the job sent to AWS: settings.foo: unknown key"]);
  });

  it('counts a job the check could not carry through as a failure', () => {
    const built = report(agreeing(), { fps120: 'AccessDenied' });
    expect(reportAgrees(built)).toBe(false);
    expect(reportSummary(built, 'test-results/aws/x/report.json')).toContain('fps120: the check failed: AccessDenied');
  });
});

describe('reportSummary', () => {
  it('lists each answer with its verdict, each job, leftovers and the report path', () => {
    const records = [record({ cleanup: { deleted: 6, failures: ['s3://media/media/x/master.m3u8: AccessDenied'] } }), portrait('turned')];
    const summary = reportSummary(report(records), 'test-results/aws/2026-11-27T12-00-00Z/report.json');
    expect(summary).toContain('5. Rotate AUTO with Width/Height given upright: the outputs come out upright at the requested size [DIFFERS]');
    expect(summary).toContain('6. CancelJob on a PROGRESSING job, on an ended one, and what a cancelled job leaves [open]');
    expect(summary).toContain('1. HLS segment file names and counter width [agrees]');
    expect(summary).toContain('landscape-1080p30: no difference');
    expect(summary).toContain('Not cleaned up (delete by hand): s3://media/media/x/master.m3u8: AccessDenied');
    expect(summary.endsWith('Report: test-results/aws/2026-11-27T12-00-00Z/report.json')).toBe(true);
  });
});

describe('reportFolderName', () => {
  it('is the start time, sortable and without colons', () => {
    expect(reportFolderName(new Date('2026-11-27T19:21:32.456Z'))).toBe('2026-11-27T19-21-32Z');
  });
});
