// XML replies of the management API: when a client asks for them, and how to write them (compat §1.3).
import type { FastifyReply, FastifyRequest } from 'fastify';

const xmlTypes = new Set(['application/xml', 'text/xml']);

/**
 * True when `Accept` lists an XML type (q > 0) and not `application/json`: the client asked for XML alone.
 * Wildcards do not count as JSON, so `application/xml, *\/*` still means XML.
 */
export function wantsXml(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  if (!accept) return false;
  let xml = false;
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    if (q !== undefined && !(Number(q.slice(2)) > 0)) continue;
    if (type === 'application/json') return false;
    if (xmlTypes.has(type)) xml = true;
  }
  return xml;
}

export function sendXml(reply: FastifyReply, xml: string): FastifyReply {
  return reply.type('application/xml; charset=utf-8').send(xml);
}

const xmlEscapes: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * Escapes text for an XML element or a quoted attribute value. Characters XML 1.0 forbids even as references
 * (C0 controls other than tab, LF, CR) become U+FFFD so the document stays well-formed.
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => xmlEscapes[c]!).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '\uFFFD');
}
