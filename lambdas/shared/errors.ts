/**
 * Every error the pipeline raises on purpose. An error with `expose: true` is safe to show a
 * client as `{ error: { code, message } }` with its `statusCode`; anything else becomes a
 * plain 500 so internals never leak.
 */
export interface PipelineErrorOptions {
  readonly cause?: unknown;
}

export class PipelineError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly expose: boolean;

  constructor(code: string, message: string, statusCode: number, expose: boolean, options: PipelineErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'PipelineError';
    this.code = code;
    this.statusCode = statusCode;
    this.expose = expose;
  }
}

/** 400: the request is malformed or a field breaks a rule. */
export class ValidationError extends PipelineError {
  constructor(message: string, code = 'INVALID_REQUEST', options?: PipelineErrorOptions) {
    super(code, message, 400, true, options);
    this.name = 'ValidationError';
  }
}

/** 401: no caller identity reached the handler. */
export class UnauthorizedError extends PipelineError {
  constructor(message = 'A valid bearer token is required', options?: PipelineErrorOptions) {
    super('UNAUTHORIZED', message, 401, true, options);
    this.name = 'UnauthorizedError';
  }
}

/**
 * 403: the caller is at a per-user limit on what their uploads hold (unfinished uploads, bytes
 * in flight, stored bytes). The message names the limit and the caller's current figure.
 */
export class QuotaExceededError extends PipelineError {
  constructor(message: string, options?: PipelineErrorOptions) {
    super('QUOTA_EXCEEDED', message, 403, true, options);
    this.name = 'QuotaExceededError';
  }
}

/**
 * 429: the caller created as many uploads as one clock hour allows. `headers` carries
 * `Retry-After`: the seconds until the hour ends and creating works again.
 */
export class RateLimitedError extends PipelineError {
  readonly retryAfterSeconds: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(message: string, retryAfterSeconds: number, options?: PipelineErrorOptions) {
    super('RATE_LIMITED', message, 429, true, options);
    this.name = 'RateLimitedError';
    this.retryAfterSeconds = retryAfterSeconds;
    this.headers = { 'retry-after': String(retryAfterSeconds) };
  }
}

/** 404: the upload does not exist, or belongs to someone else (never told apart). */
export class NotFoundError extends PipelineError {
  constructor(message: string, options?: PipelineErrorOptions) {
    super('NOT_FOUND', message, 404, true, options);
    this.name = 'NotFoundError';
  }
}

/** 409: the upload is not in a state that allows the operation. */
export class InvalidStateError extends PipelineError {
  readonly currentStatus: string;

  constructor(message: string, currentStatus: string, options?: PipelineErrorOptions) {
    super('INVALID_STATE', message, 409, true, options);
    this.name = 'InvalidStateError';
    this.currentStatus = currentStatus;
  }
}

/** 413: the declared size is over the limit. */
export class TooLargeError extends PipelineError {
  constructor(message: string, code = 'TOO_LARGE', options?: PipelineErrorOptions) {
    super(code, message, 413, true, options);
    this.name = 'TooLargeError';
  }
}

/** 415: the content type is not on the allow-list. */
export class UnsupportedTypeError extends PipelineError {
  constructor(message: string, options?: PipelineErrorOptions) {
    super('UNSUPPORTED_TYPE', message, 415, true, options);
    this.name = 'UnsupportedTypeError';
  }
}

/** 422: the request is well formed but what S3 holds contradicts it (e.g. size mismatch). */
export class UnprocessableError extends PipelineError {
  constructor(message: string, code: string, options?: PipelineErrorOptions) {
    super(code, message, 422, true, options);
    this.name = 'UnprocessableError';
  }
}

/** The function was deployed without a setting it needs: fail at init, never mid-request. */
export class ConfigError extends PipelineError {
  constructor(message: string, options?: PipelineErrorOptions) {
    super('CONFIG', message, 500, false, options);
    this.name = 'ConfigError';
  }
}

/**
 * A processing failure with a stable code that lands on the record as `failed.error`
 * (`UNSUPPORTED_MEDIA`, `TOO_LONG`, `SIZE_MISMATCH`, `TRANSCODE_FAILED`, …).
 * `retryable` says whether the event may be retried (a transient fault) or the upload
 * is failed for good.
 */
export class ProcessingError extends PipelineError {
  readonly retryable: boolean;

  constructor(code: string, message: string, options: PipelineErrorOptions & { retryable?: boolean } = {}) {
    super(code, message, 500, false, options);
    this.name = 'ProcessingError';
    this.retryable = options.retryable ?? false;
  }
}
