import { describe, expect, it } from 'vitest';
import { RouteIndex } from '../../../src/admin/route-index.js';

describe('RouteIndex', () => {
  it('collects every method registered on a pattern, whatever the parameter values', () => {
    const index = new RouteIndex({ maxParamLength: 100 });
    index.add('GET', '/v1/organizations/:org/apis/:api');
    index.add(['delete', 'HEAD'], '/v1/organizations/:org/apis/:api');
    index.add('POST', '/v1/organizations/:org/apis');
    expect(index.allowedMethods('/v1/organizations/demo/apis/orders')).toEqual(['DELETE', 'GET', 'HEAD']);
    expect(index.allowedMethods('/v1/organizations/demo/apis')).toEqual(['POST']);
    expect(index.allowedMethods('/v1/organizations/demo/nothing')).toBeUndefined();
  });
});
