import type { ProcessingLimits } from './plan/processingLimits.js';
import type { SourceInput } from './probe/sourceInput.js';
import type { ProgressReporter } from './ProgressReporter.js';

/** What each kind's processing step works with. */
export interface WorkContext {
  readonly uploadId: string;
  /** The original as ffmpeg reads it: the SourceServer's loopback URL and the demuxer the probe found. */
  readonly source: SourceInput;
  /** Everything written here is published under the upload's media prefix. */
  readonly outputDir: string;
  /** Intermediate files that are not published. */
  readonly scratchDir: string;
  readonly ffmpeg: string;
  readonly ffprobe: string;
  readonly limits: ProcessingLimits;
  readonly progress: ProgressReporter;
  /** An earlier delivery of the event may have run and published outputs (a retry). */
  readonly earlierAttempt: boolean;
  /** Milliseconds left before the upload must be failed as TIMED_OUT. */
  timeLeftMs(): number;
  /** Public URL of an output, from its path relative to `outputDir`. */
  outputUrl(relativePath: string): string;
  /**
   * Publishes an output now, ahead of the rest (the poster, while the ladder is still to
   * encode; segments and growing playlists while it encodes), under `relativePath`, and returns
   * its public URL. From then on a failure or a cancel removes the upload's outputs. A file
   * published from its own place in `outputDir` is final and is not uploaded again by the final
   * publish; one from elsewhere (a growing playlist in the scratch folder) is replaced by it.
   * `cacheControl` overrides the output's usual cache policy.
   */
  publishNow(localPath: string, relativePath: string, options?: { readonly cacheControl?: string }): Promise<string>;
}
