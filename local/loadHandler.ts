import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';

/** A Lambda handler as the functions export it (middy handlers return a promise). */
export type LambdaHandler<TEvent = unknown, TResult = unknown> = (event: TEvent, context: Context) => Promise<TResult>;

const LAMBDAS_DIR = fileURLToPath(new URL('../lambdas', import.meta.url));

const loaded = new Map<string, Promise<LambdaHandler>>();

/** Where a function's handler module lives: `lambdas/<handlerDir>/handler.ts`. */
export function handlerFile(handlerDir: string): string {
  return join(LAMBDAS_DIR, handlerDir, 'handler.ts');
}

/**
 * Imports `lambdas/<handlerDir>/handler.ts` once and returns its `handler`, or undefined while
 * the module does not exist (it is looked for again on the next call, so a handler written
 * while local mode runs is picked up). The environment must be set before the first call:
 * handlers read their configuration when they are imported.
 */
export async function loadHandler(handlerDir: string): Promise<LambdaHandler | undefined> {
  const file = handlerFile(handlerDir);
  let module = loaded.get(file);
  if (!module) {
    if (!existsSync(file)) return undefined;
    module = import(pathToFileURL(file).href).then((exports: { handler?: unknown }) => {
      if (typeof exports.handler !== 'function') throw new TypeError(`${file} does not export a handler function`);
      return exports.handler as LambdaHandler;
    });
    loaded.set(file, module);
    module.catch(() => loaded.delete(file));
  }
  return module;
}
