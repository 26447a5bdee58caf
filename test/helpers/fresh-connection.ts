// Test helper: one GET on a connection of its own (Connection: close), so a clustered gateway hands it to the next worker.
import { request } from 'node:http';

export interface FreshAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

export function getOnFreshConnection(url: string, headers: Readonly<Record<string, string>> = {}): Promise<FreshAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** `count` such requests at once: with a round-robin cluster every worker answers some when count ≥ workers. */
export function getOnFreshConnections(url: string, count: number, headers: Readonly<Record<string, string>> = {}): Promise<FreshAnswer[]> {
  return Promise.all(Array.from({ length: count }, () => getOnFreshConnection(url, headers)));
}
