import { FAILURE_CODES } from '../../shared/failureCodes.js';
import type { UploadErrorInfo } from '../../shared/uploadRecord.js';

/**
 * MediaConvert error codes that mean the file itself cannot be transcoded (the user's to fix),
 * from the error code table of the MediaConvert User Guide: input, video, codec, clipping,
 * demuxer, source read and audio decode errors. Every other code (settings, permissions, disk,
 * acceleration, unknown) is ours: TRANSCODE_FAILED.
 */
const UNSUPPORTED_MEDIA_CODES: ReadonlySet<number> = new Set([1010, 1020, 1021, 1030, 1060, 1075, 1076, 1092]);

/**
 * The failure an upload ends with when its job errs. MediaConvert's own message is logged, not
 * shown: it can name buckets, keys and settings.
 */
export function jobFailure(errorCode: number | undefined): UploadErrorInfo {
  if (errorCode !== undefined && UNSUPPORTED_MEDIA_CODES.has(errorCode)) {
    return {
      code: FAILURE_CODES.unsupportedMedia,
      message: `The video could not be decoded for transcoding (MediaConvert error ${errorCode}); it may be damaged or in a format that is not supported`,
    };
  }
  return {
    code: FAILURE_CODES.transcodeFailed,
    message: `The video could not be transcoded because of a fault on our side (MediaConvert error ${errorCode ?? 'unknown'}); upload it again later`,
  };
}
