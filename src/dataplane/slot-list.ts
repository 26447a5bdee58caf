// The live items of a long-lived registry that churns once per request (in-flight responses, script runs), without a Map or Set.

/** Slots per generation: a handle is `generation × SLOT_SPAN + slot`. */
const SLOT_SPAN = 2 ** 21;
/** Generations wrap here, so handles stay below 2^52 and exact; a handle repeats only after 2^31 reuses of its slot. */
const GENERATIONS = 2 ** 31;

/**
 * Items in array slots, reused through a free list, each known by a numeric handle that is never handed out twice.
 * add, get and remove are O(1) and overwrite one slot.
 *
 * Not a Map or Set, on purpose: a Map that lives in V8's old generation and gains and loses an entry per request is
 * rehashed again and again, and its discarded hash tables still point at the entries they held. V8's young-generation
 * collector counts those pointers as live, so each request's whole object graph was copied and promoted instead of
 * dying young: a quarter of all allocation, and 7 ms scavenges instead of 1 ms (bench/README.md, "Garbage
 * collection"). A slot array only drops its backing store when it grows.
 */
export class SlotList<T> {
  private readonly items: Array<T | undefined> = [];
  /** The generation each slot was last given: a handle is live while its generation is the slot's. */
  private readonly generations: number[] = [];
  private readonly free: number[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Stores the item; returns its handle, for get and remove. */
  add(item: T): number {
    const slot = this.free.pop() ?? this.items.length;
    if (slot >= SLOT_SPAN) throw new RangeError(`SlotList: more than ${SLOT_SPAN} live items`);
    const previous = this.generations[slot];
    const generation = previous === undefined ? 0 : (previous + 1) % GENERATIONS;
    this.generations[slot] = generation;
    this.items[slot] = item;
    this.count++;
    return generation * SLOT_SPAN + slot;
  }

  /** The item of a handle still live; undefined once it was removed (or cleared). */
  get(handle: number): T | undefined {
    const slot = handle % SLOT_SPAN;
    return this.isCurrent(handle, slot) ? this.items[slot] : undefined;
  }

  /** Removes a live handle's item and returns it; a stale handle (removed twice, or after clear) does nothing. */
  remove(handle: number): T | undefined {
    const slot = handle % SLOT_SPAN;
    const item = this.items[slot];
    if (!this.isCurrent(handle, slot) || item === undefined) return undefined;
    this.items[slot] = undefined;
    this.free.push(slot);
    this.count--;
    return item;
  }

  /** The live items, as a new array (callers may remove while they walk it). */
  values(): T[] {
    const live: T[] = [];
    for (const item of this.items) if (item !== undefined) live.push(item);
    return live;
  }

  private isCurrent(handle: number, slot: number): boolean {
    return this.generations[slot] === (handle - slot) / SLOT_SPAN;
  }

  /** Removes every item and returns them; their handles go stale (slots are reused with new handles). */
  clear(): T[] {
    const live = this.values();
    this.free.length = 0;
    for (let slot = this.items.length - 1; slot >= 0; slot--) {
      this.items[slot] = undefined;
      this.free.push(slot);
    }
    this.count = 0;
    return live;
  }
}
