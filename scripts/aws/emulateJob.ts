import { createReadStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parseJobWire } from '../../local/mediaconvert/jobWireSchema.js';
import { type EmulatedJobOutcome, runEmulatedJob } from '../../local/mediaconvert/runEmulatedJob.js';
import type { WrittenObject } from './checkObjects.js';

/** What local mode's MediaConvert emulator makes of the very job body sent to AWS. */
export type EmulatedRun =
  | { readonly accepted: false; readonly refusal: string }
  | {
      readonly accepted: true;
      readonly outcome: EmulatedJobOutcome;
      /** Keys relative to the job's folder, as for the AWS listing. */
      readonly written: readonly WrittenObject[];
      /** Playlist texts by relative key. */
      readonly playlists: Readonly<Record<string, string>>;
    };

/**
 * Runs the wire body through the emulator's strict schema and then its job runner
 * (`local/mediaconvert/runEmulatedJob.ts`, the same ffmpeg translation local mode runs), with
 * an S3 stand-in that serves the local fixture as the input and records what is written (and
 * keeps the files under `saveDir`, when given, to be looked at).
 */
export async function emulateJob(
  wireBody: unknown,
  fixturePath: string,
  jobFolder: string,
  tools: { readonly ffmpeg: string; readonly ffprobe: string },
  saveDir?: string,
): Promise<EmulatedRun> {
  const parsed = parseJobWire(wireBody);
  if (!parsed.ok) return { accepted: false, refusal: parsed.message };
  const written: WrittenObject[] = [];
  const playlists: Record<string, string> = {};
  const s3 = {
    send: async (command: unknown) => {
      if (command instanceof GetObjectCommand) return { Body: createReadStream(fixturePath) };
      if (command instanceof PutObjectCommand) {
        const { Key = '', Body } = command.input;
        const bytes = Body as Buffer;
        const key = Key.startsWith(jobFolder) ? Key.slice(jobFolder.length) : Key;
        written.push({ key, size: bytes.length });
        if (key.endsWith('.m3u8')) playlists[key] = bytes.toString('utf8');
        if (saveDir !== undefined) {
          await mkdir(dirname(join(saveDir, key)), { recursive: true });
          await writeFile(join(saveDir, key), bytes);
        }
        return {};
      }
      throw new Error(`The emulated job sent an unexpected S3 command ${String((command as object).constructor.name)}`);
    },
  };
  const outcome = await runEmulatedJob({
    job: parsed.job,
    // The runner calls only send(GetObject) and send(PutObject), which the stand-in answers.
    s3: s3 as unknown as S3Client,
    ffmpeg: tools.ffmpeg,
    ffprobe: tools.ffprobe,
    signal: new AbortController().signal,
    onProgress: () => {},
    onFfmpeg: () => {},
  });
  return { accepted: true, outcome, written: written.sort((a, b) => a.key.localeCompare(b.key)), playlists };
}
