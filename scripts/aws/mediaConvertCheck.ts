import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { S3Client } from '@aws-sdk/client-s3';
import type { JobSettings } from '../../lambdas/process-upload/mediaconvert/buildJob.js';
import { mediaPrefix } from '../../lambdas/shared/keys.js';
import { parseJobWire } from '../../local/mediaconvert/jobWireSchema.js';
import { type AwsCheckTargets, checkOptIn, refusalMessage, resolveTargets } from './awsCheckTargets.js';
import { buildCheckReport, reportAgrees, reportFolderName, reportSummary } from './checkReport.js';
import { deleteKeys, download, listWritten, putOriginal, readText } from './checkObjects.js';
import { compareOutputNames } from './compareOutputNames.js';
import { type EmulatedRun, emulateJob } from './emulateJob.js';
import { CANCEL_PROBE, FIXTURE_PROBES, type FixtureProbe, makeFixture } from './fixtureProbes.js';
import { measureQuarterLuma, type Orientation, orientationOf } from './pictureOrientation.js';
import { planFixtureJob } from './planFixtureJob.js';
import type { ProbeRecord, ProbeRole } from './probeRecord.js';
import { readStackOutputs } from './readStackOutputs.js';
import { runCheckJob } from './runCheckJob.js';

/**
 * `npm run test:aws`: runs the fixture jobs, built by the process function's own planner and
 * builder, in a real account, records what MediaConvert did, and compares it with what local
 * mode's emulator does with the very same job body. Refuses (exit 2) unless the operator opts
 * in and names a deployed stack's resources; exit 1 when AWS and the emulator differ, or a job
 * could not be carried through; 0 when they agree. Never part of `npm test` or CI.
 */

/**
 * The stack name the check's jobs carry in UserMetadata: not the deployed stack's, so its status
 * function (fed by every job on the queue) ignores them as another stack's.
 */
const CHECK_STACK_NAME = 'media-pipeline-aws-check';
const POLL_INTERVAL_MS = 5_000;
const JOB_TIMEOUT_MS = 20 * 60_000;
const PORTRAIT = 'portrait-rotated';

interface JobSpec {
  readonly name: string;
  readonly role: ProbeRole;
  readonly what: string;
  readonly probe: FixtureProbe;
  readonly assumeAudio?: boolean;
}

interface Context {
  readonly targets: AwsCheckTargets;
  readonly runId: string;
  readonly workDir: string;
  readonly s3: S3Client;
  readonly mediaConvert: MediaConvertClient;
  readonly tools: { readonly ffmpeg: string; readonly ffprobe: string; readonly fullFfmpeg: string };
  readonly fixtures: ReadonlyMap<string, string>;
}

const SILENT = FIXTURE_PROBES.find((probe) => !probe.audio) as FixtureProbe;
const JOBS: readonly JobSpec[] = [
  ...FIXTURE_PROBES.map((probe): JobSpec => ({ name: probe.name, role: 'probe', what: probe.what, probe })),
  {
    name: 'silent-audio-selector',
    role: 'silent-audio-selector',
    what: `${SILENT.what}, planned as if it had sound: an audio selector and AAC outputs`,
    probe: SILENT,
    assumeAudio: true,
  },
  { name: CANCEL_PROBE.name, role: 'cancel', what: CANCEL_PROBE.what, probe: CANCEL_PROBE },
];

async function main(): Promise<number> {
  const optIn = checkOptIn(process.env);
  if (!optIn.ok) {
    console.error(refusalMessage(optIn.problems));
    return 2;
  }
  let outputs: Record<string, string> = {};
  if (optIn.stackName !== undefined) {
    const cloudFormation = new CloudFormationClient({ region: optIn.region });
    try {
      outputs = await readStackOutputs(cloudFormation, optIn.stackName);
    } catch (error) {
      console.error(refusalMessage([`The outputs of stack ${optIn.stackName} in ${optIn.region} could not be read: ${(error as Error).message}`]));
      return 2;
    } finally {
      cloudFormation.destroy();
    }
  }
  const resolved = resolveTargets(process.env, optIn, outputs);
  if (!resolved.ok) {
    console.error(refusalMessage(resolved.problems));
    return 2;
  }
  const { targets } = resolved;
  const startedAt = new Date();
  const workDir = await mkdtemp(join(tmpdir(), 'media-pipeline-aws-check-'));
  const s3 = new S3Client({ region: targets.region });
  const mediaConvert = new MediaConvertClient({ region: targets.region });
  try {
    // The emulator's side runs the ffmpeg local mode would (FFMPEG_PATH, as the functions read
    // it); fixtures and measurements need lavfi and libx264, which the layer's build lacks.
    const tools = { ffmpeg: process.env.FFMPEG_PATH ?? 'ffmpeg', ffprobe: process.env.FFPROBE_PATH ?? 'ffprobe', fullFfmpeg: 'ffmpeg' };
    console.log(`Generating ${FIXTURE_PROBES.length + 1} fixture videos with the ffmpeg on the PATH`);
    const fixtures = new Map<string, string>();
    for (const probe of [...FIXTURE_PROBES, CANCEL_PROBE]) fixtures.set(probe.name, await makeFixture(probe, workDir, tools.fullFfmpeg));
    const portrait = orientationOf(await measureQuarterLuma(fixtures.get(PORTRAIT) as string, tools.fullFfmpeg));
    if (portrait !== 'upright') throw new Error(`The portrait fixture plays ${portrait} here, not upright: the fixture is wrong, not MediaConvert`);

    const context: Context = { targets, runId: `awscheck-${startedAt.getTime().toString(36)}`, workDir, s3, mediaConvert, tools, fixtures };
    console.log(`Submitting ${JOBS.length} jobs to ${targets.queueArn} (run ${context.runId}); each is followed for at most ${JOB_TIMEOUT_MS / 60_000} minutes`);
    const settled = await Promise.allSettled(JOBS.map((spec) => runJob(context, spec)));
    const records: ProbeRecord[] = [];
    const jobErrors: Record<string, string> = {};
    settled.forEach((result, i) => {
      const { name } = JOBS[i] as JobSpec;
      if (result.status === 'fulfilled') records.push(result.value);
      else jobErrors[name] = result.reason instanceof Error ? result.reason.message : String(result.reason);
    });

    const report = buildCheckReport({ startedAt, finishedAt: new Date(), targets, records, jobErrors });
    const folder = join('test-results', 'aws', reportFolderName(startedAt));
    await mkdir(folder, { recursive: true });
    const reportPath = join(folder, 'report.json');
    await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
    console.log(reportSummary(report, reportPath));
    return reportAgrees(report) ? 0 : 1;
  } finally {
    s3.destroy();
    mediaConvert.destroy();
    await rm(workDir, { recursive: true, force: true });
  }
}

/** One job, start to finish: its original uploaded, submitted and followed, its outputs read, compared, and removed. */
async function runJob(context: Context, spec: JobSpec): Promise<ProbeRecord> {
  const { targets, s3, tools } = context;
  const fixture = context.fixtures.get(spec.probe.name) as string;
  const uploadId = `${context.runId}-${spec.name}`;
  const settings: JobSettings = { queueArn: targets.queueArn, roleArn: targets.roleArn, stackName: CHECK_STACK_NAME, accelerated: false };
  const planned = await planFixtureJob(fixture, {
    uploadId,
    uploadsBucket: targets.uploadsBucket,
    mediaBucket: targets.mediaBucket,
    settings,
    assumeAudio: spec.assumeAudio ?? false,
    ffprobe: tools.ffprobe,
  });
  let record: Omit<ProbeRecord, 'cleanup'>;
  let cleanup: ProbeRecord['cleanup'];
  await putOriginal(s3, targets.uploadsBucket, planned.sourceKey, fixture);
  try {
    const run = await runCheckJob(context.mediaConvert, planned.input, {
      pollIntervalMs: POLL_INTERVAL_MS,
      timeoutMs: JOB_TIMEOUT_MS,
      cancelWhenProgressing: spec.role === 'cancel',
    });
    console.log(`  ${spec.name}: ${run.finalStatus}${run.errorCode === undefined ? '' : ` ${run.errorCode} ${run.errorMessage ?? ''}`}`);
    const written = await listWritten(s3, targets.mediaBucket, planned.jobFolder);
    const playlists: Record<string, string> = {};
    for (const { key } of written.filter((object) => object.key.endsWith('.m3u8'))) {
      playlists[key] = await readText(s3, targets.mediaBucket, planned.jobFolder + key);
    }
    const emulatorDir = join(context.workDir, 'emulated', spec.name);
    const emulated = await emulatorRun(spec, run.wireBody, fixture, planned.jobFolder, tools, emulatorDir);
    const orientation =
      spec.name === PORTRAIT
        ? {
            aws: await awsFirstFrameOrientation(context, spec.name, planned.jobFolder, written.map((object) => object.key)),
            emulator: emulated.accepted ? await firstFrameOrientation(emulatorDir, emulated.written.map((object) => object.key), tools.fullFfmpeg) : ('no frame' as const),
          }
        : undefined;
    record = {
      name: spec.name,
      role: spec.role,
      what: spec.what,
      fixture: {
        bytes: (await stat(fixture)).size,
        seconds: planned.media.durationSeconds,
        width: planned.media.width,
        height: planned.media.height,
        fps: planned.media.fps,
        hasAudio: planned.media.hasAudio,
        rotation: planned.media.rotation,
      },
      uploadId,
      jobFolder: planned.jobFolder,
      renditions: planned.plan.renditions.map(({ name, width, height, fps }) => ({ name, width, height, fps })),
      settingsSent: planned.input,
      run,
      written,
      playlists,
      ...(orientation === undefined ? {} : { orientation }),
      emulated,
      comparison: emulated.accepted ? compareOutputNames(written.map((object) => object.key), emulated.written.map((object) => object.key)) : undefined,
    };
  } finally {
    // Whatever happened above, nothing of this job is left in the account.
    cleanup = await removeJobObjects(context, uploadId, planned.sourceKey);
    if (cleanup.failures.length > 0) console.error(`  ${spec.name}: could not delete ${cleanup.failures.join(', ')}`);
  }
  return { ...record, cleanup };
}

/**
 * The emulator's run of the same body. The cancelled job is only checked against the schema: it
 * is stopped at a moment of its own on each side, and the emulator writes nothing for a
 * cancelled job, which is what is compared.
 */
async function emulatorRun(
  spec: JobSpec,
  wireBody: unknown,
  fixture: string,
  jobFolder: string,
  tools: Context['tools'],
  saveDir: string,
): Promise<EmulatedRun> {
  if (wireBody === undefined) return { accepted: false, refusal: 'no CreateJob body was sent' };
  if (spec.role !== 'cancel') return emulateJob(wireBody, fixture, jobFolder, tools, saveDir);
  const parsed = parseJobWire(wireBody);
  return parsed.ok ? { accepted: true, outcome: { status: 'CANCELED' }, written: [], playlists: {} } : { accepted: false, refusal: parsed.message };
}

async function awsFirstFrameOrientation(context: Context, name: string, jobFolder: string, keys: readonly string[]): Promise<Orientation | 'no frame'> {
  const first = keys.filter((key) => key.endsWith('.jpg')).sort()[0];
  if (first === undefined) return 'no frame';
  const path = join(context.workDir, `${name}-aws-first-frame.jpg`);
  await download(context.s3, context.targets.mediaBucket, jobFolder + first, path);
  return orientationOf(await measureQuarterLuma(path, context.tools.fullFfmpeg));
}

async function firstFrameOrientation(dir: string, keys: readonly string[], ffmpeg: string): Promise<Orientation | 'no frame'> {
  const first = keys.filter((key) => key.endsWith('.jpg')).sort()[0];
  return first === undefined ? 'no frame' : orientationOf(await measureQuarterLuma(join(dir, first), ffmpeg));
}

/** The original, and everything under the upload's media folder (a cancelled job may write after its last listing). */
async function removeJobObjects(context: Context, uploadId: string, sourceKey: string): Promise<ProbeRecord['cleanup']> {
  const { s3, targets } = context;
  const prefix = mediaPrefix(uploadId);
  const outputs = (await listWritten(s3, targets.mediaBucket, prefix)).map((object) => prefix + object.key);
  const failures = [
    ...(await deleteKeys(s3, targets.uploadsBucket, [sourceKey])).map((failure) => `s3://${targets.uploadsBucket}/${failure}`),
    ...(await deleteKeys(s3, targets.mediaBucket, outputs)).map((failure) => `s3://${targets.mediaBucket}/${failure}`),
  ];
  return { deleted: 1 + outputs.length - failures.length, failures };
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(error);
  return 1;
});
