/**
 * The stable codes a processing failure lands on the record with (`failed.error.code`).
 * Clients switch on these; the messages beside them are for people.
 */
export const FAILURE_CODES = {
  /** Not audio, video or an image; or not the kind that was declared. */
  unsupportedMedia: 'UNSUPPORTED_MEDIA',
  /** Longer than the kind's duration limit. */
  tooLong: 'TOO_LONG',
  /** Wider or taller than the resolution limit. */
  tooLargeResolution: 'TOO_LARGE_RESOLUTION',
  /** ffmpeg could not turn the file into outputs (damaged, truncated, an unsupported codec). */
  transcodeFailed: 'TRANSCODE_FAILED',
  /** The work did not fit in the function's time limit. */
  timedOut: 'TIMED_OUT',
  /** The original could not be read (transient: retried; final when retries run out). */
  sourceUnavailable: 'SOURCE_UNAVAILABLE',
  /** Anything else, once every retry failed. */
  processingFailed: 'PROCESSING_FAILED',
  /**
   * Found by the sweep: processing never started although the event was sent again, or a run
   * stopped (crashed, killed) and no retry came to finish it.
   */
  processingStalled: 'PROCESSING_STALLED',
  /** The malware scan found a threat in the original; the original was deleted and nothing was published. */
  malwareDetected: 'MALWARE_DETECTED',
  /** The malware scan could not vouch for the original (UNSUPPORTED, ACCESS_DENIED, FAILED): it is not processed. */
  malwareScanFailed: 'MALWARE_SCAN_FAILED',
  /** No malware scan result came within the sweep's stall margin after the upload completed. */
  malwareScanTimedOut: 'MALWARE_SCAN_TIMED_OUT',
} as const;

export type FailureCode = (typeof FAILURE_CODES)[keyof typeof FAILURE_CODES];
