/** MediaConvert's error types and the HTTP status each travels with (the SDK's error schema). */
export const MEDIACONVERT_ERROR_STATUS = {
  BadRequestException: 400,
  ForbiddenException: 403,
  NotFoundException: 404,
  ConflictException: 409,
  TooManyRequestsException: 429,
  InternalServerErrorException: 500,
} as const;

export type MediaConvertErrorType = keyof typeof MEDIACONVERT_ERROR_STATUS;

/**
 * An error answered as MediaConvert answers it: the status, the type in `x-amzn-errortype`
 * and `{"message"}` as the body, which the SDK turns into the typed exception with this message.
 */
export class MediaConvertApiError extends Error {
  override readonly name = 'MediaConvertApiError';
  readonly status: number;

  constructor(
    readonly errorType: MediaConvertErrorType,
    message: string,
  ) {
    super(message);
    this.status = MEDIACONVERT_ERROR_STATUS[errorType];
  }
}
