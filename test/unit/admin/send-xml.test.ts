import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { escapeXml, wantsXml } from '../../../src/admin/send-xml.js';

const withAccept = (accept: string | undefined): FastifyRequest => ({ headers: accept === undefined ? {} : { accept } }) as unknown as FastifyRequest;

describe('wantsXml', () => {
  it.each([
    ['application/xml', true],
    ['Application/XML; charset=utf-8', true],
    ['text/xml, */*;q=0.1', true],
    ['application/json, application/xml', false],
    ['application/xml;q=0', false],
    ['application/json;q=0, application/xml', true],
    ['*/*', false],
    ['', false],
    [undefined, false],
  ])('%j → %s', (accept, expected) => {
    expect(wantsXml(withAccept(accept))).toBe(expected);
  });
});

describe('escapeXml', () => {
  it('escapes markup and quotes', () => {
    expect(escapeXml(`<a href="x">Tom & 'Jerry'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;');
  });

  it('replaces characters XML 1.0 forbids, keeps tab and newlines', () => {
    expect(escapeXml('a\u0000b\u001Fc\td\ne\rf')).toBe('a\uFFFDb\uFFFDc\td\ne\rf');
  });
});
