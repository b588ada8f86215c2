import { describe, expect, it } from 'vitest';
import { toGatewayResponse } from '../../../../local/gateway/toGatewayResponse.js';

describe('toGatewayResponse', () => {
  it('takes a structured result field by field, lower-casing header names', () => {
    const response = toGatewayResponse({ statusCode: 201, headers: { 'Content-Type': 'application/json', 'X-Count': 2 }, body: '{"a":1}' });
    expect(response).toEqual({ statusCode: 201, headers: { 'content-type': 'application/json', 'x-count': '2' }, body: Buffer.from('{"a":1}') });
  });

  it('decodes a base64 body and sends cookies as set-cookie', () => {
    const response = toGatewayResponse({ statusCode: 200, body: Buffer.from([1, 2, 3]).toString('base64'), isBase64Encoded: true, cookies: ['a=1', 'b=2'] });
    expect(response.body).toEqual(Buffer.from([1, 2, 3]));
    expect(response.headers['set-cookie']).toEqual(['a=1', 'b=2']);
  });

  it('answers a structured result without a body with an empty body', () => {
    expect(toGatewayResponse({ statusCode: 204 })).toEqual({ statusCode: 204, headers: {}, body: Buffer.alloc(0) });
  });

  it('applies the shorthand to a plain object: 200 with the object as JSON', () => {
    expect(toGatewayResponse({ uploadId: 'u-1' })).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{"uploadId":"u-1"}'),
    });
  });

  it('applies the shorthand to a string and to nothing at all', () => {
    expect(toGatewayResponse('hello').body.toString()).toBe('hello');
    expect(toGatewayResponse(undefined)).toMatchObject({ statusCode: 200, body: Buffer.from('null') });
  });
});
