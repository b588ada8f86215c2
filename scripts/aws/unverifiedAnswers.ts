import { shapesOf } from './compareOutputNames.js';
import type { ProbeRecord } from './probeRecord.js';

/**
 * One open question of docs/local-mode.md ("What only a real account proves"), numbered as
 * there, with what this run observed and what the emulator assumes.
 */
export interface UnverifiedAnswer {
  readonly item: number;
  readonly question: string;
  /** What AWS did, or why this run could not tell. */
  readonly aws: string;
  readonly emulator: string;
  /** Undefined when this run could not tell. */
  readonly agrees: boolean | undefined;
}

export function unverifiedAnswers(records: readonly ProbeRecord[]): UnverifiedAnswer[] {
  const probes = records.filter((record) => record.role === 'probe');
  return [
    segmentNames(probes),
    frameNumbering(probes),
    endTimecodePastEnd(probes),
    rotateAuto(probes.find((record) => record.name === 'portrait-rotated')),
    cancelJob(records.find((record) => record.role === 'cancel')),
    silentAudioSelector(records.find((record) => record.role === 'silent-audio-selector')),
  ];
}

const SEGMENT = /\.(ts|aac|mp4|m4s)$/;
const FRAME = /\.jpg$/;

function completed(records: readonly ProbeRecord[]): ProbeRecord[] {
  return records.filter((record) => record.run.finalStatus === 'COMPLETE');
}

function shapeList(names: readonly string[]): string[] {
  return [...shapesOf(names).values()].map((shape) => (shape.first === undefined ? shape.shape : `${shape.shape} from ${shape.first}`));
}

function emulatedNames(record: ProbeRecord): string[] {
  return record.emulated.accepted ? record.emulated.written.map((object) => object.key) : [];
}

function segmentNames(probes: readonly ProbeRecord[]): UnverifiedAnswer {
  const question = 'HLS segment file names and counter width';
  const record = completed(probes)[0];
  if (record === undefined) return { item: 1, question, aws: 'not answered: no probe job completed', emulator: '<base><nameModifier>_{n:5}.ts from 1', agrees: undefined };
  const aws = shapeList(record.written.map((object) => object.key).filter((key) => SEGMENT.test(key)));
  const emulator = shapeList(emulatedNames(record).filter((key) => SEGMENT.test(key)));
  return { item: 1, question, aws: `${record.name}: ${aws.join(', ') || 'no segments'}`, emulator: emulator.join(', ') || 'no segments', agrees: sameList(aws, emulator) };
}

function frameNumbering(probes: readonly ProbeRecord[]): UnverifiedAnswer {
  const question = 'Frame capture numbering: 0- or 1-based, counter width';
  const record = completed(probes)[0];
  if (record === undefined) return { item: 3, question, aws: 'not answered: no probe job completed', emulator: 'thumbnails/frame.{n:7}.jpg from 0', agrees: undefined };
  const aws = shapeList(record.written.map((object) => object.key).filter((key) => FRAME.test(key)));
  const emulator = shapeList(emulatedNames(record).filter((key) => FRAME.test(key)));
  return { item: 3, question, aws: `${record.name}: ${aws.join(', ') || 'no frames'}`, emulator: emulator.join(', ') || 'no frames', agrees: sameList(aws, emulator) };
}

function endTimecodePastEnd(probes: readonly ProbeRecord[]): UnverifiedAnswer {
  const question = 'An EndTimecode past the end of the input: ignored, or an error (1060)';
  const ran = probes.filter((record) => record.run.jobId !== undefined);
  if (ran.length === 0) return { item: 4, question, aws: 'not answered: no probe job was created', emulator: 'reads to the end', agrees: undefined };
  const outcomes = ran.map((record) => {
    const end = record.settingsSent.Settings?.Inputs?.[0]?.InputClippings?.[0]?.EndTimecode ?? '?';
    const error = record.run.finalStatus === 'ERROR' ? ` ${record.run.errorCode ?? '?'} (${record.run.errorMessage ?? ''})` : '';
    return `${record.name} (${record.fixture.seconds ?? '?'} s, clipped at ${end}): ${record.run.finalStatus}${error}`;
  });
  const timecodeErrors = ran.filter((record) => record.run.errorCode === 1060);
  const allComplete = ran.every((record) => record.run.finalStatus === 'COMPLETE');
  return {
    item: 4,
    question,
    aws: outcomes.join('; '),
    emulator: 'reads to the end (no error)',
    agrees: timecodeErrors.length > 0 ? false : allComplete ? true : undefined,
  };
}

function rotateAuto(record: ProbeRecord | undefined): UnverifiedAnswer {
  const question = 'Rotate AUTO with Width/Height given upright: the outputs come out upright at the requested size';
  const emulator = 'scales the upright picture to the requested size';
  if (record === undefined || record.run.finalStatus !== 'COMPLETE') {
    return { item: 5, question, aws: `not answered: the portrait job ${record?.run.finalStatus ?? 'did not run'}`, emulator, agrees: undefined };
  }
  const details = record.run.snapshots.at(-1)?.OutputGroupDetails?.[0]?.OutputDetails ?? [];
  const sizes = details.map((detail) => `${detail.VideoDetails?.WidthInPx ?? '?'}x${detail.VideoDetails?.HeightInPx ?? '?'}`);
  const requested = record.renditions.map((rung) => `${rung.width}x${rung.height}`);
  const sizesMatch = sizes.length === requested.length && sizes.every((size, i) => size === requested[i]);
  const upright = record.orientation?.aws === 'upright';
  return {
    item: 5,
    question,
    aws: `requested ${requested.join(', ')}; GetJob reports ${sizes.join(', ') || 'no sizes'}; first frame capture: ${record.orientation?.aws ?? 'not measured'}`,
    emulator: `${emulator}; first frame capture: ${record.orientation?.emulator ?? 'not measured'}`,
    agrees: sizesMatch && upright,
  };
}

function cancelJob(record: ProbeRecord | undefined): UnverifiedAnswer {
  const question = 'CancelJob on a PROGRESSING job, on an ended one, and what a cancelled job leaves';
  const emulator = 'PROGRESSING: accepted, ends CANCELED, writes nothing; ended: 409 ConflictException';
  if (record === undefined) return { item: 6, question, aws: 'not answered: the cancel job did not run', emulator, agrees: undefined };
  const { cancelWhileProgressing: during, cancelAfterEnd: after, finalStatus } = record.run;
  if (during === undefined) {
    return { item: 6, question, aws: `not answered: the job was never seen PROGRESSING (it ended ${finalStatus})`, emulator, agrees: undefined };
  }
  const answer = (call: typeof during | undefined) =>
    call === undefined ? 'not sent' : call.ok ? 'accepted' : `${call.name} (HTTP ${call.httpStatusCode ?? '?'}): ${call.message}`;
  const left = record.written.length;
  const agrees = during.ok && finalStatus === 'CANCELED' && left === 0 && after !== undefined && !after.ok && after.httpStatusCode === 409;
  return {
    item: 6,
    question,
    aws: `while PROGRESSING: ${answer(during)}, the job ended ${finalStatus} leaving ${left} object${left === 1 ? '' : 's'}; once ended: ${answer(after)}`,
    emulator,
    agrees,
  };
}

function silentAudioSelector(record: ProbeRecord | undefined): UnverifiedAnswer {
  const question = 'An audio selector (and AAC outputs) on an input without audio: error or silence';
  const emulator = record?.emulated.accepted
    ? outcomeText(record.emulated.outcome.status, 'errorCode' in record.emulated.outcome ? record.emulated.outcome.errorCode : undefined)
    : 'ERROR 1021';
  if (record === undefined || record.run.jobId === undefined) {
    return { item: 9, question, aws: `not answered: the job was not created${record?.run.create.ok === false ? ` (${record.run.create.message})` : ''}`, emulator, agrees: undefined };
  }
  const aws = outcomeText(record.run.finalStatus, record.run.errorCode, record.run.errorMessage);
  const awsStatus = record.run.finalStatus;
  const emulatorStatus = record.emulated.accepted ? record.emulated.outcome.status : undefined;
  const emulatorCode = record.emulated.accepted && record.emulated.outcome.status === 'ERROR' ? record.emulated.outcome.errorCode : undefined;
  return { item: 9, question, aws, emulator, agrees: awsStatus === emulatorStatus && record.run.errorCode === emulatorCode };
}

function outcomeText(status: string, errorCode?: number, errorMessage?: string): string {
  if (status !== 'ERROR') return status;
  return `ERROR ${errorCode ?? '?'}${errorMessage === undefined ? '' : ` (${errorMessage})`}`;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((value, i) => value === [...b].sort()[i]);
}
