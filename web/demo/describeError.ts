import { ApiError, NetworkError } from '../../client/index.js';

/** An error as a sentence for the page: the API's own message, never a stack trace. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return 'The API did not accept the token (expired or for another stack): sign in again.';
    return error.message;
  }
  if (error instanceof NetworkError) return 'The API could not be reached: check the API URL and the network.';
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong.';
}
