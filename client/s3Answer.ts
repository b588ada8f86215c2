/** S3 explains a refusal in XML: `<Code>AccessDenied</Code><Message>Request has expired</Message>`. */
export function s3ErrorDetail(xml: string): string {
  const code = s3ErrorCode(xml);
  const message = /<Message>([^<]*)<\/Message>/.exec(xml)?.[1];
  return [code, message].filter(Boolean).join(': ') || xml.trim().slice(0, 200);
}

/** S3's error code (`BadDigest`, `AccessDenied`, …), when the answer is an S3 error document. */
export function s3ErrorCode(xml: string): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];
}

/** A presigned URL's query string is a credential: errors name the object, not the signature. */
export function redactUrl(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : `${url.slice(0, query)}?…`;
}
