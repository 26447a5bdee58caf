import { describe, expect, it, vi } from 'vitest';
import { compileXPath, MAX_XML_LENGTH, parseXmlDocument } from '../../../src/engine/xml-path.js';

const xml = `<?xml version="1.0" encoding="UTF-8"?>
<order id="o-1" xmlns:p="urn:product">
  <item sku="a">Apple<note>fresh</note></item>
  <item sku="b">Pear</item>
  <p:name>Fruit</p:name>
  <!-- a comment -->
  <text><![CDATA[1 < 2]]></text>
</order>`;

describe('compileXPath', () => {
  it.each([
    ['/order/item', ['Applefresh', 'Pear']],
    ['/order/item/text()', ['Apple', 'Pear']],
    ['/order/item/@sku', ['a', 'b']],
    ['/order/@id', ['o-1']],
    ['//item[@sku="b"]', ['Pear']],
    ['/order/item[1]/note', ['fresh']],
    ['/order/text', ['1 < 2']],
    ['/order/missing', []],
    ['count(/order/item)', ['2']],
    ['string(/order/item)', ['Applefresh']],
    ['boolean(/order/item)', ['true']],
    ['boolean(/order/missing)', ['false']],
    ['concat(/order/@id, "-x")', ['o-1-x']],
    ['1 div 0', ['Infinity']],
  ])('%s', (expr, expected) => {
    expect(compileXPath(expr)(xml)).toEqual(expected);
  });

  it('resolves declared namespace prefixes, which need not match the document', () => {
    expect(compileXPath('/order/prod:name', { prod: 'urn:product' })(xml)).toEqual(['Fruit']);
    expect(compileXPath('/order/prod:name', { prod: 'urn:other' })(xml)).toEqual([]);
  });

  it('falls back to the document prefixes for an undeclared one', () => {
    expect(compileXPath('/order/p:name')(xml)).toEqual(['Fruit']);
  });

  it('selects in a default namespace through a declared prefix', () => {
    const select = compileXPath('/d:a/d:b', { d: 'urn:default' });
    expect(select('<a xmlns="urn:default"><b>x</b></a>')).toEqual(['x']);
  });

  it('evaluates several expressions against one parsed document', () => {
    const document = parseXmlDocument(xml);
    expect(compileXPath('/order/@id')(document)).toEqual(['o-1']);
    expect(compileXPath('count(//item)')(document)).toEqual(['2']);
  });

  it.each([
    ['/order/item[', /invalid XPath "\/order\/item\["/],
    ['', /invalid XPath/],
    ['foo(', /invalid XPath/],
    ['///', /invalid XPath/],
    ['nosuchfunction(/a)', /Unknown function/],
    ['concat($v, "x")', /Undeclared variable/],
  ])('refuses %j at compile time', (expr, message) => {
    expect(() => compileXPath(expr)).toThrow(message);
  });
});

describe('parseXmlDocument', () => {
  it('refuses a DOCTYPE before parsing', () => {
    const billionLaughs = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><lolz>&lol2;</lolz>';
    expect(() => parseXmlDocument(billionLaughs)).toThrow(/DOCTYPE or ENTITY/);
    expect(() => compileXPath('/lolz')(billionLaughs)).toThrow(/DOCTYPE or ENTITY/);
  });

  it('refuses external entities and lower-case doctypes', () => {
    expect(() => parseXmlDocument('<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>')).toThrow(/DOCTYPE/);
    expect(() => parseXmlDocument('<!doctype a><a/>')).toThrow(/DOCTYPE/);
    expect(() => parseXmlDocument('<a><!ENTITY x "y"></a>')).toThrow(/ENTITY/);
  });

  it('refuses documents over the size limit', () => {
    const big = `<a>${'x'.repeat(MAX_XML_LENGTH)}</a>`;
    expect(() => parseXmlDocument(big)).toThrow(/exceeds/);
  });

  it.each([
    ['<a><b></a>'],
    ['not xml'],
    [''],
    ['<a/><b/>'],
    ['<a x=1/>'],
    ['<a>&undefined;</a>'],
    ['<a><q:b/></a>'],
  ])('throws instead of printing for malformed %j', (text) => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const warned = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(() => parseXmlDocument(text)).toThrow(/XML/);
      expect(printed).not.toHaveBeenCalled();
      expect(warned).not.toHaveBeenCalled();
    } finally {
      printed.mockRestore();
      warned.mockRestore();
    }
  });

  it('expands the predefined and numeric entities', () => {
    expect(compileXPath('/a')('<a>&amp;&lt;&#65;&#x42;</a>')).toEqual(['&<AB']);
  });
});
