/** An S3 error as S3 reports it: an HTTP status and an `<Error>` document. */
export interface S3ErrorInfo {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  /** Extra elements S3 adds to the document (e.g. `UploadId`, `AWSAccessKeyId`, `ServerTime`). */
  readonly detail?: Readonly<Record<string, string>>;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Renders the `<Error>` document S3 answers with, so SDKs parse local errors like real ones. */
export function s3ErrorXml(error: S3ErrorInfo, requestId: string): string {
  const elements = { Code: error.code, Message: error.message, ...error.detail, RequestId: requestId };
  const body = Object.entries(elements)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${body}</Error>`;
}
