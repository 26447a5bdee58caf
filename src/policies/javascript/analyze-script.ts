// What a script body is read for at deploy, so that each run ships what it will use and fetches the rest.

export interface ScriptAnalysis {
  /** Variables read with a literal name (`context.getVariable('x')`): their values go with the run. */
  readonly prefetch: readonly string[];
  /** The script may read a message body: the flow buffers bodies first, and the run ships them. */
  readonly readsContent: boolean;
  /** The script mentions `session`: `context.session` goes with the run. */
  readonly usesSession: boolean;
}

const GET_VARIABLE = /getVariable\s*\(\s*(['"])([^'"\\\r\n]*)\1\s*\)/g;
// `request.content`, `response.content`, `x['content']`, form parameters; not `Content-Type`.
const READS_CONTENT = /\.content\b(?!-)|\[\s*(['"])content\1\s*\]|[Ff]orm[Pp]aram/;
/** A larger script still works: names past the limit are fetched when read. */
const MAX_PREFETCH = 64;

export function analyzeScript(body: string): ScriptAnalysis {
  const names = new Set<string>();
  for (const match of body.matchAll(GET_VARIABLE)) {
    if (names.size >= MAX_PREFETCH) break;
    names.add(match[2]!);
  }
  // The request object's url reads one of these (by flow): cheap to ship when the script mentions url.
  if (/\burl\b/.test(body)) names.add('request.url').add('target.url');
  return { prefetch: [...names], readsContent: READS_CONTENT.test(body), usesSession: /\bsession\b/.test(body) };
}
