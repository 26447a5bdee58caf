import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { startDemoTargets, toDemoTargetName } from '../../../src/demo/start-demo-targets.js';

function listenOnFreePort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port })));
}

describe('toDemoTargetName', () => {
  it('names targets demo-a, demo-b, … demo-z, demo-aa', () => {
    expect([0, 1, 2, 25, 26, 27, 51, 52].map(toDemoTargetName)).toEqual(['demo-a', 'demo-b', 'demo-c', 'demo-z', 'demo-aa', 'demo-ab', 'demo-az', 'demo-ba']);
  });
});

describe('startDemoTargets', () => {
  it('starts one named target per port and closes them all', async () => {
    const demo = await startDemoTargets({ host: '127.0.0.1', ports: [0, 0] });
    try {
      expect(demo.targets.map((t) => t.name)).toEqual(['demo-a', 'demo-b']);
      for (const { name, port } of demo.targets) {
        const res = await fetch(`http://127.0.0.1:${port}/json`);
        expect(res.headers.get('x-demo-target')).toBe(name);
        expect(((await res.json()) as { target: string }).target).toBe(name);
      }
    } finally {
      await demo.close();
    }
    await expect(fetch(`http://127.0.0.1:${demo.targets[0]?.port}/`)).rejects.toThrow();
  });

  it('fails with a ConfigError naming the busy port and demoTargets.ports, leaving nothing listening', async () => {
    const { server, port } = await listenOnFreePort();
    try {
      const spare = await listenOnFreePort();
      const sparePort = spare.port;
      await new Promise((resolve) => spare.server.close(resolve));

      const error = await startDemoTargets({ host: '127.0.0.1', ports: [sparePort, port] }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect(message).toContain(`port ${port}`);
      expect(message).toContain('demoTargets.ports');
      // The target that did start was closed again: its port is free.
      const again = await startDemoTargets({ host: '127.0.0.1', ports: [sparePort] });
      await again.close();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
