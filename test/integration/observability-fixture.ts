// Shared by the observability tests: reading one sample out of a Prometheus text exposition.
import { request } from 'undici';

/** The text of a /metrics endpoint. */
export async function scrape(url: string): Promise<string> {
  const res = await request(`${url}/metrics`);
  if (res.statusCode !== 200) throw new Error(`/metrics answered ${res.statusCode}`);
  return res.body.text();
}

/** The value of the sample `name` whose labels include all of `labels` (undefined when there is none). */
export function sampleOf(text: string, name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const braceEnd = line.lastIndexOf('}');
    const labelText = braceEnd === -1 ? '' : line.slice(name.length + 1, braceEnd);
    const parsed = new Map([...labelText.matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
    if (Object.entries(labels).every(([key, value]) => parsed.get(key) === value)) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

/**
 * Resolves with the first log line matching `predicate`. The access line is written when the server closes the
 * response, which can come a turn of the event loop after the client has read it: yield turns (no timer) until then.
 */
export async function waitForLogLine(logs: ReadonlyArray<Record<string, unknown>>, predicate: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  for (let turn = 0; turn < 10_000; turn++) {
    const line = logs.find(predicate);
    if (line) return line;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error('no such log line was written');
}
