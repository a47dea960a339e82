// A Map that forgets everything once it holds `capacity` entries: a cache that cannot grow
// without bound however many distinct keys a long-running caller produces.
export class BoundedMap<K, V> {
  readonly #map = new Map<K, V>();
  readonly #capacity: number;
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get(key: K): V | undefined {
    return this.#map.get(key);
  }

  set(key: K, value: V): void {
    if (this.#map.size >= this.#capacity) this.#map.clear();
    this.#map.set(key, value);
  }
}
