import { describe, expect, it } from 'vitest';
import { SlotList } from '../../../src/dataplane/slot-list.js';

describe('SlotList', () => {
  it('gets and removes items by the handle add returned', () => {
    const list = new SlotList<string>();
    const a = list.add('a');
    const b = list.add('b');
    expect(list.size).toBe(2);
    expect(list.get(a)).toBe('a');
    expect(list.get(b)).toBe('b');
    expect(list.remove(a)).toBe('a');
    expect(list.get(a)).toBeUndefined();
    expect(list.size).toBe(1);
    expect(list.values()).toEqual(['b']);
  });

  it('reuses a freed slot under a new handle, so a stale handle never reaches the new item', () => {
    const list = new SlotList<string>();
    const first = list.add('first');
    list.remove(first);
    const second = list.add('second');
    expect(second).not.toBe(first);
    expect(list.get(first)).toBeUndefined();
    expect(list.remove(first)).toBeUndefined();
    expect(list.get(second)).toBe('second');
    expect(list.size).toBe(1);
  });

  it('ignores a second remove of the same handle', () => {
    const list = new SlotList<number>();
    const handle = list.add(7);
    list.add(8);
    expect(list.remove(handle)).toBe(7);
    expect(list.remove(handle)).toBeUndefined();
    expect(list.size).toBe(1);
    // The slot went back to the free list once, not twice: two adds take two different slots.
    const x = list.add(1);
    const y = list.add(2);
    expect(list.get(x)).toBe(1);
    expect(list.get(y)).toBe(2);
    expect(list.size).toBe(3);
  });

  it('clear returns every live item and leaves their handles stale', () => {
    const list = new SlotList<string>();
    const handles = ['a', 'b', 'c'].map((item) => list.add(item));
    list.remove(handles[1]!);
    expect(list.clear()).toEqual(['a', 'c']);
    expect(list.size).toBe(0);
    expect(handles.map((h) => list.get(h))).toEqual([undefined, undefined, undefined]);
    const after = list.add('d');
    expect(handles).not.toContain(after);
    expect(handles.map((h) => list.remove(h))).toEqual([undefined, undefined, undefined]);
    expect(list.values()).toEqual(['d']);
  });

  it('wraps a slot\'s generation before its handles lose precision, so neighbouring slots never share a handle', () => {
    const list = new SlotList<string>();
    const x = list.add('x');
    const y = list.add('y');
    list.remove(x);
    list.remove(y);
    // Both slots at the last generation before the wrap (2^31 - 1 reuses would take too long to run).
    const generations = (list as unknown as { generations: number[] }).generations;
    generations[0] = 2 ** 31 - 2;
    generations[1] = 2 ** 31 - 2;
    const [last0, last1] = [list.add('a'), list.add('b')];
    expect(Number.isSafeInteger(last0) && Number.isSafeInteger(last1)).toBe(true);
    expect(last0).not.toBe(last1);
    list.remove(last0);
    list.remove(last1);
    const [wrapped0, wrapped1] = [list.add('c'), list.add('d')];
    // Generation 0 again: the handle is the bare slot number.
    expect(wrapped0).toBeLessThan(2 ** 21);
    expect(wrapped1).toBeLessThan(2 ** 21);
    expect(wrapped0).not.toBe(wrapped1);
    expect(list.get(wrapped0)).toBe('c');
    expect(list.get(wrapped1)).toBe('d');
    expect(list.remove(wrapped1)).toBe('d');
    expect(list.get(wrapped0)).toBe('c');
  });

  it('keeps handles unique across many reuses of one slot', () => {
    const list = new SlotList<number>();
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const handle = list.add(i);
      expect(seen.has(handle)).toBe(false);
      seen.add(handle);
      list.remove(handle);
    }
    expect(list.size).toBe(0);
  });
});
