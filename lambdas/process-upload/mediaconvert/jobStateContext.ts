import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectsCommand } from '@aws-sdk/client-s3';
import { ffmpegPath, mediaBaseUrl, mediaBucketName } from '../../shared/config.js';
import { mediaPrefix } from '../../shared/keys.js';
import { s3 } from '../../shared/s3.js';
import type { JobStateContext } from './applyJobState.js';
import { finishJob } from './finishJob.js';
import { mediaConvert } from './mediaConvertClient.js';

/** Time a finishing step may take: listing, copying and tiling, well inside any caller's timeout. */
const FINISH_TIMEOUT_MS = 120_000;

/** The context every function that applies job states uses, from its configuration. */
export function jobStateContext(options: { readonly touch?: boolean } = {}): JobStateContext {
  const { settings } = mediaConvert();
  const bucket = mediaBucketName();
  const baseUrl = mediaBaseUrl();
  const ffmpeg = ffmpegPath();
  return {
    queueArn: settings.queueArn,
    stackName: settings.stackName,
    touch: options.touch,
    finish: async (uploadId, job) => {
      const workDir = await mkdtemp(join(tmpdir(), 'finish-job-'));
      try {
        return await finishJob(uploadId, job, {
          s3,
          bucket,
          ffmpeg,
          workDir,
          timeoutMs: FINISH_TIMEOUT_MS,
          outputUrl: (relativePath) => `${baseUrl}/${mediaPrefix(uploadId)}${relativePath}`,
        });
      } finally {
        await rm(workDir, { recursive: true, force: true });
      }
    },
    removeLeftovers: async (keys) => {
      for (let start = 0; start < keys.length; start += 1000) {
        const batch = keys.slice(start, start + 1000).map((Key) => ({ Key }));
        await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }));
      }
    },
  };
}
