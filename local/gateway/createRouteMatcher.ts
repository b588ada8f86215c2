import type { RouteDefinition } from '../../lib/routes.js';
import { percentDecoded } from '../percentDecoded.js';

export interface RouteMatch {
  readonly route: RouteDefinition;
  /** `METHOD /path/{template}`, as API Gateway names the route in the event. */
  readonly routeKey: string;
  /** Values of the template's `{name}` segments, percent-decoded; undefined when it has none. */
  readonly pathParameters: Readonly<Record<string, string>> | undefined;
}

export type RouteMatcher = (method: string, rawPath: string) => RouteMatch | undefined;

interface CompiledRoute {
  readonly route: RouteDefinition;
  readonly segments: readonly { readonly literal?: string; readonly parameter?: string }[];
  readonly literalCount: number;
}

/**
 * Matches requests against the route table the way an HTTP API does: the method and every
 * path segment must match (a `{name}` segment matches one whole non-empty segment), and
 * when several templates fit, the one with more literal segments wins.
 */
export function createRouteMatcher(routes: readonly RouteDefinition[]): RouteMatcher {
  const compiled: CompiledRoute[] = routes.map((route) => {
    const segments = route.path
      .split('/')
      .slice(1)
      .map((segment) => {
        const parameter = /^\{([A-Za-z0-9_]+)\}$/.exec(segment)?.[1];
        return parameter === undefined ? { literal: segment } : { parameter };
      });
    return { route, segments, literalCount: segments.filter((segment) => segment.literal !== undefined).length };
  });

  return (method, rawPath) => {
    const requestSegments = rawPath.split('/').slice(1);
    let best: { compiled: CompiledRoute; parameters: Record<string, string> } | undefined;
    for (const candidate of compiled) {
      if (candidate.route.method !== method.toUpperCase() || candidate.segments.length !== requestSegments.length) continue;
      const parameters = matchSegments(candidate.segments, requestSegments);
      if (parameters && (!best || candidate.literalCount > best.compiled.literalCount)) best = { compiled: candidate, parameters };
    }
    if (!best) return undefined;
    const { route } = best.compiled;
    return {
      route,
      routeKey: `${route.method} ${route.path}`,
      pathParameters: Object.keys(best.parameters).length > 0 ? best.parameters : undefined,
    };
  };
}

function matchSegments(template: CompiledRoute['segments'], request: readonly string[]): Record<string, string> | undefined {
  const parameters: Record<string, string> = {};
  for (const [index, segment] of template.entries()) {
    const value = request[index] ?? '';
    if (segment.literal !== undefined) {
      if (segment.literal !== value) return undefined;
    } else if (segment.parameter !== undefined) {
      if (value === '') return undefined;
      parameters[segment.parameter] = percentDecoded(value);
    }
  }
  return parameters;
}
