import { createLambdaContext } from './createLambdaContext.js';
import { loadHandler } from './loadHandler.js';

/** What an invocation answers when the function's handler module does not exist (yet). */
export const NO_HANDLER = Symbol('no-handler');

/**
 * Invokes `lambdas/<handlerDir>/handler.ts` with an event and a fresh context, as Lambda would.
 * `TResult` is what the caller expects the function to return (not checked).
 */
export async function invokeFunction<TResult = unknown>(
  handlerDir: string,
  event: unknown,
  timeoutMs: number,
): Promise<TResult | typeof NO_HANDLER> {
  const handler = await loadHandler(handlerDir);
  if (!handler) return NO_HANDLER;
  return (await handler(event, createLambdaContext(handlerDir, timeoutMs))) as TResult;
}
