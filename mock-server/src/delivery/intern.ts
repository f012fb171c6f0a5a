/**
 * Shares one instance per distinct value among many records (retry schedules, error messages):
 * 100,000 pending retries that failed the same way then hold one string, not 100,000 copies.
 * Bounded, since keys come from the outside world; when full it simply starts over.
 */
export class Interner<T> {
  private readonly values = new Map<string, T>();

  constructor(private readonly max: number) {}

  intern(key: string, value: T): T {
    const known = this.values.get(key);
    if (known !== undefined) return known;
    if (this.values.size >= this.max) this.values.clear();
    this.values.set(key, value);
    return value;
  }
}
