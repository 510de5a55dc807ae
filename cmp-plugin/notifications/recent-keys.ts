// A bounded map of recently seen keys to what was recorded for them (oldest evicted first). Per process only:
// with several replicas a duplicate can reach another replica, which is why sync span ids are also deterministic
// (duplicates are then identical).
export class RecentKeys<V = true> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`RecentKeys capacity must be a positive integer, got ${capacity}`);
  }

  /** Records the key; returns false (and keeps the first value) if it was already present. */
  add(key: string, value: V): boolean {
    if (this.entries.has(key)) return false;
    this.entries.set(key, value);
    // Map iterates in insertion order, so the first key is the oldest.
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return true;
  }

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
