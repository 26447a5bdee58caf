import { describe, expect, it } from 'vitest';
import { toCanonicalAdminUrl } from '../../../src/admin/to-canonical-admin-url.js';

describe('toCanonicalAdminUrl', () => {
  it.each([
    ['/v1/organizations/demo/environments/test/apis', '/v1/organizations/demo/environments/test/apis'],
    ['/v1/o/demo/environments/test/apis', '/v1/organizations/demo/environments/test/apis'],
    ['/v1/organizations/demo/e/test/apis', '/v1/organizations/demo/environments/test/apis'],
    ['/v1/o/demo/e/test/apis', '/v1/organizations/demo/environments/test/apis'],
    ['//v1/o/demo/apis', '/v1/organizations/demo/apis'],
    ['/v1/o/demo/apis/x/deployments/', '/v1/organizations/demo/apis/x/deployments'],
    ['///v1///o/demo//apis//', '/v1/organizations/demo/apis'],
    ['/v1/o', '/v1/organizations'],
    ['/v1/o/demo/e', '/v1/organizations/demo/environments'],
    ['/', '/'],
    ['//', '/'],
    ['/healthz/', '/healthz'],
  ])('%s → %s', (url, expected) => {
    expect(toCanonicalAdminUrl(url)).toBe(expected);
  });

  it('keeps the query string as sent, slashes included', () => {
    expect(toCanonicalAdminUrl('//v1/o/demo/e/test/apis/x/revisions/1/deployments/?basepath=//v2/&override=true'))
      .toBe('/v1/organizations/demo/environments/test/apis/x/revisions/1/deployments?basepath=//v2/&override=true');
  });

  it('rewrites o and e only in their positions', () => {
    expect(toCanonicalAdminUrl('/v1/organizations/o/environments/e/apis/o/e')).toBe('/v1/organizations/o/environments/e/apis/o/e');
    expect(toCanonicalAdminUrl('/v1/o/demo/apis/e')).toBe('/v1/organizations/demo/apis/e');
    expect(toCanonicalAdminUrl('/v2/o/demo')).toBe('/v2/o/demo');
  });

  it('leaves absolute-form and asterisk targets alone', () => {
    expect(toCanonicalAdminUrl('http://evil.example/v1/o/demo')).toBe('http://evil.example/v1/o/demo');
    expect(toCanonicalAdminUrl('*')).toBe('*');
  });
});
