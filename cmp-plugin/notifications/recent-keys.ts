// A bounded set of recently seen keys (oldest evicted first). Per process only: with several replicas a duplicate
// can reach another replica, which is why sync span ids are also deterministic (duplicates are then identical).
export class RecentKeys {
  private readonly keys = new Set<string>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`RecentKeys capacity must be a positive integer, got ${capacity}`);
  }

  /** Records the key; returns false if it was already present. */
  add(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    // Set iterates in insertion order, so the first key is the oldest.
    if (this.keys.size > this.capacity) this.keys.delete(this.keys.values().next().value as string);
    return true;
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  get size(): number {
    return this.keys.size;
  }
}
