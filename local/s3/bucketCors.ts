/**
 * CORS rules of the emulator's buckets. The uploads bucket's are the stack's (lib/Storage.ts): a
 * browser on any origin may PUT parts through presigned URLs and read each part's ETag. The
 * media bucket has none in the stack (the CDN serves outputs); locally a browser player reads
 * playlists and segments straight from the emulator, so it may GET them from any origin.
 */
export const UPLOADS_BUCKET_CORS = corsConfiguration(['PUT', 'GET', 'HEAD'], ['content-type', 'content-length', 'x-amz-checksum-crc32c', 'if-none-match'], ['ETag']);

export const MEDIA_BUCKET_CORS = corsConfiguration(['GET', 'HEAD'], ['*'], ['ETag', 'Content-Length', 'Content-Range']);

function corsConfiguration(methods: readonly string[], allowedHeaders: readonly string[], exposeHeaders: readonly string[]): string {
  const elements = (name: string, values: readonly string[]) => values.map((value) => `<${name}>${value}</${name}>`).join('');
  return (
    '<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin>' +
    elements('AllowedMethod', methods) +
    elements('AllowedHeader', allowedHeaders) +
    elements('ExposeHeader', exposeHeaders) +
    '<MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>'
  );
}
