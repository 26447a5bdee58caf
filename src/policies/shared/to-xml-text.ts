// Serializes the XML inside a policy element back to text (an XML `<Payload>` written as child elements).
import type { XmlElement } from '../../bundle/xml-element.js';

/**
 * The content of `el` as text: its own text when it has no child elements, otherwise its children serialized.
 * The element tree does not keep where text sat between child elements, so whitespace-only text beside
 * elements is dropped and other mixed text is written before the children.
 */
export function toInnerXmlText(el: XmlElement): string {
  if (el.children.length === 0) return el.text;
  const text = el.text.trim() === '' ? '' : escapeText(el.text);
  return text + el.children.map(toXmlText).join('');
}

export function toXmlText(el: XmlElement): string {
  let attrs = '';
  for (const [name, value] of Object.entries(el.attrs)) attrs += ` ${name}="${escapeAttr(value)}"`;
  if (el.children.length === 0 && el.text === '') return `<${el.name}${attrs}/>`;
  const inner = el.children.length === 0 ? escapeText(el.text) : toInnerXmlText(el);
  return `<${el.name}${attrs}>${inner}</${el.name}>`;
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttr(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;');
}
