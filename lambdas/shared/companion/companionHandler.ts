import { type ApiLogic, httpHandler } from '../http/httpHandler.js';

/**
 * A Companion route's handler: the pipeline's JSON handler, with every error's message also at
 * the top of the body (`{ message, error: { code, message } }`), the field Uppy shows its user.
 */
export function companionHandler(logic: ApiLogic) {
  return httpHandler(logic, { errors: { topLevelMessage: true } });
}
