import type { CreateJobCommandInput } from '@aws-sdk/client-mediaconvert';
import type { WrittenObject } from './checkObjects.js';
import type { NameComparison } from './compareOutputNames.js';
import type { EmulatedRun } from './emulateJob.js';
import type { Orientation } from './pictureOrientation.js';
import type { CheckJobRun } from './runCheckJob.js';

/**
 * Why a job ran: a fixture probe as the builder makes its job, the long clip cancelled while
 * PROGRESSING, or the silent clip given an audio selector as if it had sound.
 */
export type ProbeRole = 'probe' | 'cancel' | 'silent-audio-selector';

/** Everything one job of the check produced, as written to the report. */
export interface ProbeRecord {
  readonly name: string;
  readonly role: ProbeRole;
  readonly what: string;
  readonly fixture: {
    readonly bytes: number;
    readonly seconds: number | undefined;
    readonly width: number | undefined;
    readonly height: number | undefined;
    readonly fps: number | undefined;
    readonly hasAudio: boolean;
    readonly rotation: number;
  };
  readonly uploadId: string;
  readonly jobFolder: string;
  /** The renditions the plan asked for, smallest first. */
  readonly renditions: readonly { readonly name: string; readonly width: number; readonly height: number; readonly fps: number }[];
  readonly settingsSent: CreateJobCommandInput;
  readonly run: CheckJobRun;
  /** What the job wrote under its folder, keys relative to it. */
  readonly written: readonly WrittenObject[];
  /** The text of every playlist it wrote, by relative key. */
  readonly playlists: Readonly<Record<string, string>>;
  /** Only for the portrait probe: which way up the first captured frame came out. */
  readonly orientation?: { readonly aws: Orientation | 'no frame'; readonly emulator: Orientation | 'no frame' };
  readonly emulated: EmulatedRun;
  readonly comparison: NameComparison | undefined;
  readonly cleanup: { readonly deleted: number; readonly failures: readonly string[] };
}
