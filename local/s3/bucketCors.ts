/**
 * CORS rules of the emulator's buckets, as the stack sets them: a browser on any origin may PUT
 * parts to the uploads bucket through presigned URLs and read each part's ETag (which
 * `complete` needs), and may GET outputs from the media bucket (an HLS player fetches
 * playlists and segments cross-origin).
 */
export const UPLOADS_BUCKET_CORS = corsConfiguration(['PUT'], ['ETag']);

export const MEDIA_BUCKET_CORS = corsConfiguration(['GET', 'HEAD'], ['ETag', 'Content-Length', 'Content-Range']);

function corsConfiguration(methods: readonly string[], exposeHeaders: readonly string[]): string {
  return (
    '<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin>' +
    methods.map((method) => `<AllowedMethod>${method}</AllowedMethod>`).join('') +
    '<AllowedHeader>*</AllowedHeader>' +
    exposeHeaders.map((header) => `<ExposeHeader>${header}</ExposeHeader>`).join('') +
    '<MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>'
  );
}
