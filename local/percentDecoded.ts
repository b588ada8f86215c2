/** A URL path segment percent-decoded, or as received when it is not valid percent-encoding (as routers treat it). */
export function percentDecoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
