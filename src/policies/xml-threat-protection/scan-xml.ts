// An iterative XML scanner for XMLThreatProtection: checks well-formedness and the name, structure and value limits in one pass, without building a tree.
import { decodeEntities } from '../../bundle/parse-xml.js';

/** Every limit is a maximum; a negative value means no limit. */
export interface XmlThreatLimits {
  readonly name: { readonly element: number; readonly attribute: number; readonly namespacePrefix: number; readonly processingInstructionTarget: number };
  readonly structure: {
    readonly nodeDepth: number;
    readonly attributeCountPerElement: number;
    readonly namespaceCountPerElement: number;
    readonly childCount: number;
    /** Which kinds of child node count towards ChildCount. */
    readonly childCountIncludes: { readonly comment: boolean; readonly element: boolean; readonly processingInstruction: boolean; readonly text: boolean };
  };
  readonly value: { readonly text: number; readonly attribute: number; readonly namespaceUri: number; readonly comment: number; readonly processingInstructionData: number };
}

/** The first problem found: a limit exceeded (`limit` true) or malformed XML, where it was found (1-based line, 0-based char offset). */
export interface XmlScanProblem {
  readonly limit: boolean;
  readonly reason: string;
  readonly line: number;
  readonly char: number;
}

interface OpenElement {
  readonly name: string;
  children: number;
}

const NAME = /[A-Za-z_:\u00C0-\uFFFF][-A-Za-z0-9_:.\u00B7\u00C0-\uFFFF]*/y;

class Stop {
  constructor(readonly limit: boolean, readonly reason: string, readonly pos: number) {}
}

export function scanXml(text: string, limits: XmlThreatLimits): XmlScanProblem | undefined {
  try {
    scan(text, limits);
    return undefined;
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    let line = 1;
    for (let i = 0; i < err.pos && i < text.length; i++) if (text.charCodeAt(i) === 0x0a) line++;
    return { limit: err.limit, reason: err.reason, line, char: err.pos };
  }
}

function scan(text: string, limits: XmlThreatLimits): void {
  const { name: nameLimits, structure, value: valueLimits } = limits;
  const over = (value: number, max: number) => max >= 0 && value > max;
  const stack: OpenElement[] = [];
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let rootSeen = false;
  let contentSeen = false;
  const exceeded = (what: string, max: number, at: number) => new Stop(true, `${what} exceeded ${max}`, at);
  const malformed = (reason: string, at = pos) => new Stop(false, reason, at);
  const countChild = (include: boolean, at: number) => {
    const parent = stack[stack.length - 1];
    if (!parent || !include) return;
    parent.children++;
    if (over(parent.children, structure.childCount)) throw exceeded('Children count', structure.childCount, at);
  };
  const checkPrefixed = (qualifiedName: string, localMax: number, localWhat: string, at: number) => {
    const colon = qualifiedName.indexOf(':');
    const prefix = colon === -1 ? '' : qualifiedName.slice(0, colon);
    const local = colon === -1 ? qualifiedName : qualifiedName.slice(colon + 1);
    if (over(prefix.length, nameLimits.namespacePrefix)) throw exceeded('Namespace prefix length', nameLimits.namespacePrefix, at);
    if (over(local.length, localMax)) throw exceeded(localWhat, localMax, at);
  };
  const decode = (raw: string, at: number): string => {
    try {
      return decodeEntities(raw);
    } catch (err) {
      throw malformed((err as Error).message, at);
    }
  };
  const readName = (): string => {
    NAME.lastIndex = pos;
    const match = NAME.exec(text);
    if (!match) throw malformed('a name was expected');
    pos = NAME.lastIndex;
    return match[0];
  };
  const skipWhitespace = () => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  const findEnd = (terminator: string): number => {
    const end = text.indexOf(terminator, pos);
    if (end === -1) throw malformed('Premature end of document while parsing', text.length);
    return end;
  };

  while (pos < text.length) {
    if (text[pos] !== '<') {
      const end = text.indexOf('<', pos);
      const stop = end === -1 ? text.length : end;
      const raw = text.slice(pos, stop);
      const isBlank = raw.trim() === '';
      if (stack.length === 0) {
        if (!isBlank) throw malformed(rootSeen ? 'Content is not allowed in trailing section' : 'Content is not allowed in prolog');
      } else {
        const decoded = decode(raw, pos);
        if (over(decoded.length, valueLimits.text)) throw exceeded('Text length', valueLimits.text, stop);
        // Whitespace between elements is formatting, not a child node.
        if (!isBlank) countChild(structure.childCountIncludes.text, stop);
      }
      pos = stop;
      continue;
    }
    if (text.startsWith('<?', pos)) {
      const start = pos;
      pos += 2;
      const target = readName();
      const end = findEnd('?>');
      const data = text.slice(pos, end).trim();
      pos = end + 2;
      if (target.toLowerCase() === 'xml') {
        if (contentSeen) throw malformed('The processing instruction target matching "[xX][mM][lL]" is not allowed', start);
        contentSeen = true;
        continue;
      }
      contentSeen = true;
      if (over(target.length, nameLimits.processingInstructionTarget)) throw exceeded('Processing Instruction target length', nameLimits.processingInstructionTarget, pos);
      if (over(data.length, valueLimits.processingInstructionData)) throw exceeded('Processing Instruction data length', valueLimits.processingInstructionData, pos);
      countChild(structure.childCountIncludes.processingInstruction, pos);
      continue;
    }
    contentSeen = true;
    if (text.startsWith('<!--', pos)) {
      pos += 4;
      const end = findEnd('-->');
      const length = end - pos;
      pos = end + 3;
      if (over(length, valueLimits.comment)) throw exceeded('Comment length', valueLimits.comment, pos);
      countChild(structure.childCountIncludes.comment, pos);
      continue;
    }
    if (text.startsWith('<![CDATA[', pos)) {
      if (stack.length === 0) throw malformed('CDATA is not allowed outside the root element');
      pos += 9;
      const end = findEnd(']]>');
      const length = end - pos;
      pos = end + 3;
      if (over(length, valueLimits.text)) throw exceeded('Text length', valueLimits.text, pos);
      countChild(structure.childCountIncludes.text, pos);
      continue;
    }
    if (text.startsWith('<!', pos)) {
      // DTDs are refused outright: no entity expansion, no external entities (reliability-security §3.3).
      throw malformed('DOCTYPE and ENTITY declarations are not allowed');
    }
    if (text.startsWith('</', pos)) {
      pos += 2;
      const name = readName();
      skipWhitespace();
      if (text[pos] !== '>') throw malformed(`The end-tag for element type "${name}" must end with a '>' delimiter`);
      pos++;
      const open = stack.pop();
      if (!open || open.name !== name) throw malformed(`The element type "${open?.name ?? name}" must be terminated by the matching end-tag "</${open?.name ?? name}>"`);
      continue;
    }
    pos++;
    if (stack.length === 0 && rootSeen) throw malformed('The markup in the document following the root element must be well-formed');
    const name = readName();
    const attributeNames = new Set<string>();
    let attributes = 0;
    let namespaces = 0;
    let selfClosing = false;
    for (;;) {
      const beforeSpace = pos;
      skipWhitespace();
      if (text.startsWith('/>', pos)) {
        pos += 2;
        selfClosing = true;
        break;
      }
      if (text[pos] === '>') {
        pos++;
        break;
      }
      if (pos >= text.length) throw malformed('Premature end of document while parsing', text.length);
      if (pos === beforeSpace) throw malformed(`Element type "${name}" must be followed by either attribute specifications, ">" or "/>"`);
      const attributeName = readName();
      skipWhitespace();
      if (text[pos] !== '=') throw malformed(`Attribute name "${attributeName}" associated with an element type "${name}" must be followed by the ' = ' character`);
      pos++;
      skipWhitespace();
      const quote = text[pos];
      if (quote !== '"' && quote !== "'") throw malformed(`Open quote is expected for attribute "${attributeName}" associated with an element type "${name}"`);
      pos++;
      const end = text.indexOf(quote, pos);
      if (end === -1) throw malformed('Premature end of document while parsing', text.length);
      const raw = text.slice(pos, end);
      if (raw.includes('<')) throw malformed(`The value of attribute "${attributeName}" associated with an element type "${name}" must not contain the '<' character`);
      const value = decode(raw, pos);
      pos = end + 1;
      if (attributeNames.has(attributeName)) throw malformed(`Attribute "${attributeName}" was already specified for element "${name}"`);
      attributeNames.add(attributeName);
      if (attributeName === 'xmlns' || attributeName.startsWith('xmlns:')) {
        namespaces++;
        const prefix = attributeName === 'xmlns' ? '' : attributeName.slice(6);
        if (over(prefix.length, nameLimits.namespacePrefix)) throw exceeded('Namespace prefix length', nameLimits.namespacePrefix, pos);
        if (over(value.length, valueLimits.namespaceUri)) throw exceeded('Namespace uri length', valueLimits.namespaceUri, pos);
        if (over(namespaces, structure.namespaceCountPerElement)) throw exceeded('Namespace count', structure.namespaceCountPerElement, pos);
      } else {
        attributes++;
        checkPrefixed(attributeName, nameLimits.attribute, 'Attribute name length', pos);
        if (over(value.length, valueLimits.attribute)) throw exceeded('Attribute value length', valueLimits.attribute, pos);
        if (over(attributes, structure.attributeCountPerElement)) throw exceeded('Attribute count', structure.attributeCountPerElement, pos);
      }
    }
    checkPrefixed(name, nameLimits.element, 'Element name length', pos);
    if (over(stack.length + 1, structure.nodeDepth)) throw exceeded('Node depth', structure.nodeDepth, pos);
    countChild(structure.childCountIncludes.element, pos);
    rootSeen = true;
    if (!selfClosing) stack.push({ name, children: 0 });
  }
  if (stack.length > 0 || !rootSeen) throw malformed('Premature end of document while parsing', text.length);
}
