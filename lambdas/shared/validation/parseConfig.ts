import type * as z from 'zod/mini';
import { ConfigError } from '../errors.js';

/**
 * Parses a configuration value with `schema`; throws a ConfigError naming `source`, the field's
 * path and what is wrong with it (an unknown field by its name), so a misdeployed function or a
 * bad prop fails saying which value to fix.
 */
export function parseConfig<T>(schema: z.ZodMiniType<T>, value: unknown, source: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'the top level';
  if (issue?.code === 'unrecognized_keys') throw new ConfigError(`${source}: ${where} has an unknown field (${issue.keys.join(', ')})`);
  throw new ConfigError(`${source}: ${where} is invalid (${issue?.message || issue?.code || 'unknown problem'})`);
}
