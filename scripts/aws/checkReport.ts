import type { AwsCheckTargets } from './awsCheckTargets.js';
import type { ProbeRecord } from './probeRecord.js';
import { type UnverifiedAnswer, unverifiedAnswers } from './unverifiedAnswers.js';

/** The report `npm run test:aws` writes to `test-results/aws/<timestamp>/report.json`. */
export interface CheckReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly targets: AwsCheckTargets;
  /** Per job, where the emulator and AWS differ (names, outcome). */
  readonly differences: Readonly<Record<string, readonly string[]>>;
  readonly answers: readonly UnverifiedAnswer[];
  readonly jobs: readonly ProbeRecord[];
  /** Jobs the check itself could not carry through (an upload refused, a listing denied), by name. */
  readonly jobErrors: Readonly<Record<string, string>>;
}

export function buildCheckReport(options: {
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly targets: AwsCheckTargets;
  readonly records: readonly ProbeRecord[];
  readonly jobErrors?: Readonly<Record<string, string>>;
}): CheckReport {
  const { records } = options;
  const differences: Record<string, string[]> = {};
  for (const record of records) differences[record.name] = differencesOf(record);
  return {
    startedAt: options.startedAt.toISOString(),
    finishedAt: options.finishedAt.toISOString(),
    targets: options.targets,
    differences,
    answers: unverifiedAnswers(records),
    jobs: records,
    jobErrors: options.jobErrors ?? {},
  };
}

/** `2026-11-27T19-21-32Z`: a folder name that sorts by time and needs no quoting. */
export function reportFolderName(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
}

/** Whether everything ran and AWS did what the emulator assumes (the exit code: 0, else 1). */
export function reportAgrees(report: CheckReport): boolean {
  return (
    Object.keys(report.jobErrors).length === 0 &&
    report.answers.every((answer) => answer.agrees === true) &&
    Object.values(report.differences).every((differences) => differences.length === 0)
  );
}

/** What the operator reads at the end: each answer, then each job's differences. */
export function reportSummary(report: CheckReport, reportPath: string): string {
  const lines = ['MediaConvert on AWS against the local emulator', ''];
  for (const answer of report.answers) {
    const verdict = answer.agrees === undefined ? 'open' : answer.agrees ? 'agrees' : 'DIFFERS';
    lines.push(`${answer.item}. ${answer.question} [${verdict}]`, `   AWS:      ${answer.aws}`, `   emulator: ${answer.emulator}`);
  }
  lines.push('');
  for (const [name, differences] of Object.entries(report.differences)) {
    lines.push(differences.length === 0 ? `${name}: no difference` : `${name}:`, ...differences.map((line) => `   - ${line}`));
  }
  for (const [name, error] of Object.entries(report.jobErrors)) lines.push(`${name}: the check failed: ${error}`);
  const cleanupFailures = report.jobs.flatMap((job) => job.cleanup.failures);
  if (cleanupFailures.length > 0) lines.push('', `Not cleaned up (delete by hand): ${cleanupFailures.join(', ')}`);
  lines.push('', `Report: ${reportPath}`);
  return lines.join('\n');
}

function differencesOf(record: ProbeRecord): string[] {
  const { emulated, run } = record;
  if (!emulated.accepted) return [`the emulator's schema refuses the job sent to AWS: ${emulated.refusal}`];
  const lines: string[] = [];
  // A cancelled job is stopped at a moment of its own on each side: only its outcome is compared.
  if (record.role !== 'cancel') {
    const emulatedStatus = emulated.outcome.status;
    const emulatedCode = emulated.outcome.status === 'ERROR' ? emulated.outcome.errorCode : undefined;
    if (emulatedStatus !== run.finalStatus || emulatedCode !== run.errorCode) {
      lines.push(`AWS ended ${run.finalStatus}${run.errorCode === undefined ? '' : ` ${run.errorCode}`}, the emulator ${emulatedStatus}${emulatedCode === undefined ? '' : ` ${emulatedCode}`}`);
    }
    lines.push(...(record.comparison?.differences ?? []));
  }
  if (record.orientation !== undefined && record.orientation.aws !== record.orientation.emulator) {
    lines.push(`first frame capture: AWS ${record.orientation.aws}, the emulator ${record.orientation.emulator}`);
  }
  return lines;
}
