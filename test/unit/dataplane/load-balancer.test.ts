import { describe, expect, it } from 'vitest';
import { createLoadBalancer, type LoadBalancerMember } from '../../../src/dataplane/load-balancer.js';
import type { LoadBalancerAlgorithm } from '../../../src/bundle/proxy-bundle.js';

function member(name: string, weight = 1, isFallback = false): LoadBalancerMember<string> {
  return { name, weight, isFallback, target: name };
}

function picks(algorithm: LoadBalancerAlgorithm, members: LoadBalancerMember<string>[], count: number): string[] {
  const lb = createLoadBalancer({ algorithm, members, maxFailures: 0 });
  return Array.from({ length: count }, () => lb.pick()?.name ?? '-');
}

describe('createLoadBalancer', () => {
  it('RoundRobin cycles over the servers in order', () => {
    expect(picks('RoundRobin', [member('a'), member('b'), member('c')], 6)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('Weighted gives each server its share and interleaves the heavy one', () => {
    const sequence = picks('Weighted', [member('a', 3), member('b', 1)], 8);
    expect(sequence.filter((n) => n === 'a').length).toBe(6);
    expect(sequence.filter((n) => n === 'b').length).toBe(2);
    expect(sequence.slice(0, 4)).toEqual(['a', 'a', 'b', 'a']);
  });

  it('LeastConnections picks the server with fewest in-flight requests, rotating on ties', () => {
    const a = member('a');
    const b = member('b');
    const lb = createLoadBalancer({ algorithm: 'LeastConnections', members: [a, b], maxFailures: 0 });
    const first = lb.pick() as LoadBalancerMember<string>;
    lb.acquire(first);
    const second = lb.pick() as LoadBalancerMember<string>;
    expect(second.name).not.toBe(first.name);
    lb.acquire(second);
    lb.acquire(second);
    expect(lb.pick()?.name).toBe(first.name);
    lb.release(second);
    lb.release(second);
    lb.release(first);
    expect(new Set([lb.pick()?.name, lb.pick()?.name])).toEqual(new Set(['a', 'b']));
  });

  it('uses fallback servers only when every primary is down', () => {
    const a = member('a');
    const f = member('f', 1, true);
    const lb = createLoadBalancer({ algorithm: 'RoundRobin', members: [a, f], maxFailures: 1 });
    expect([lb.pick()?.name, lb.pick()?.name]).toEqual(['a', 'a']);
    lb.recordFailure(a);
    expect(lb.pick()?.name).toBe('f');
  });

  it('skips excluded servers and returns undefined when nothing is left', () => {
    const lb = createLoadBalancer({ algorithm: 'RoundRobin', members: [member('a'), member('b')], maxFailures: 0 });
    expect(lb.pick(new Set(['a']))?.name).toBe('b');
    expect(lb.pick(new Set(['a', 'b']))).toBeUndefined();
  });

  it('marks a server down after MaxFailures consecutive failures; a success resets the count', () => {
    const a = member('a');
    const b = member('b');
    const lb = createLoadBalancer({ algorithm: 'RoundRobin', members: [a, b], maxFailures: 2 });
    lb.recordFailure(a);
    lb.recordSuccess(a);
    lb.recordFailure(a);
    expect(lb.isDown(a)).toBe(false);
    lb.recordFailure(a);
    expect(lb.isDown(a)).toBe(true);
    expect([lb.pick()?.name, lb.pick()?.name]).toEqual(['b', 'b']);
  });

  it('brings a down server back after the recovery interval, half-open: one failure takes it out again', () => {
    let nowMs = 1000;
    const a = member('a');
    const b = member('b');
    const lb = createLoadBalancer({ algorithm: 'RoundRobin', members: [a, b], maxFailures: 3, recoveryIntervalMs: 500, now: () => nowMs });
    for (let i = 0; i < 3; i++) lb.recordFailure(a);
    expect(lb.isDown(a)).toBe(true);
    nowMs += 499;
    expect(lb.isDown(a)).toBe(true);
    nowMs += 1;
    expect(lb.isDown(a)).toBe(false);
    lb.recordFailure(a);
    expect(lb.isDown(a)).toBe(true);
  });

  it('never marks a server down when MaxFailures is 0', () => {
    const a = member('a');
    const lb = createLoadBalancer({ algorithm: 'RoundRobin', members: [a], maxFailures: 0 });
    for (let i = 0; i < 100; i++) lb.recordFailure(a);
    expect(lb.pick()?.name).toBe('a');
  });

  it('returns undefined when every server is down', () => {
    const a = member('a');
    const f = member('f', 1, true);
    const lb = createLoadBalancer({ algorithm: 'LeastConnections', members: [a, f], maxFailures: 1 });
    lb.recordFailure(a);
    lb.recordFailure(f);
    expect(lb.pick()).toBeUndefined();
  });
});
