import { describe, expect, it } from 'vitest';
import { createRouteMatcher } from '../../../../local/gateway/createRouteMatcher.js';
import { ROUTES, type RouteDefinition } from '../../../../lib/routes.js';

const matchRoute = createRouteMatcher(ROUTES);

describe('createRouteMatcher over the route table', () => {
  it.each([
    ['POST', '/uploads', 'POST /uploads', undefined],
    ['GET', '/uploads', 'GET /uploads', undefined],
    ['GET', '/config', 'GET /config', undefined],
    ['GET', '/uploads/u-1', 'GET /uploads/{id}', { id: 'u-1' }],
    ['DELETE', '/uploads/u-1', 'DELETE /uploads/{id}', { id: 'u-1' }],
    ['POST', '/uploads/u-1/parts', 'POST /uploads/{id}/parts', { id: 'u-1' }],
    ['POST', '/uploads/u-1/complete', 'POST /uploads/{id}/complete', { id: 'u-1' }],
  ])('matches %s %s to the route %s', (method, path, routeKey, pathParameters) => {
    const match = matchRoute(method, path);
    expect(match?.routeKey).toBe(routeKey);
    expect(match?.pathParameters).toEqual(pathParameters);
    expect(match?.route).toBe(ROUTES.find((route) => `${route.method} ${route.path}` === routeKey));
  });

  it('matches every route of the table with its own handler', () => {
    for (const route of ROUTES) {
      const path = route.path.replace(/\{\w+\}/g, 'x1');
      expect(matchRoute(route.method, path)?.route.handler).toBe(route.handler);
    }
  });

  it.each([
    ['PUT', '/uploads'],
    ['GET', '/uploads/u-1/parts'],
    ['GET', '/uploads/'],
    ['GET', '/uploads//complete'],
    ['POST', '/uploads/u-1/complete/extra'],
    ['GET', '/'],
  ])('finds no route for %s %s', (method, path) => {
    expect(matchRoute(method, path)).toBeUndefined();
  });

  it('percent-decodes path parameters', () => {
    expect(matchRoute('GET', '/uploads/a%20b')?.pathParameters).toEqual({ id: 'a b' });
  });

  it('prefers the template with more literal segments when two fit', () => {
    const routes = [
      { ...ROUTES[0], id: 'ById', method: 'GET', path: '/uploads/{id}', handler: 'by-id' },
      { ...ROUTES[0], id: 'Mine', method: 'GET', path: '/uploads/mine', handler: 'mine' },
    ] as RouteDefinition[];
    expect(createRouteMatcher(routes)('GET', '/uploads/mine')?.route.handler).toBe('mine');
    expect(createRouteMatcher(routes)('GET', '/uploads/other')?.route.handler).toBe('by-id');
  });
});
