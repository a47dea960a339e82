// One helper, for the bundles' size: the three places that hide a value on an object (a view's
// subarray, a method's name, a copied tensor's data) share one Object.defineProperty.

/** `object` with `key` defined on it as `value`: non-enumerable, read-only, not configurable. */
export const defineHidden = <T extends object>(object: T, key: PropertyKey, value: unknown): T =>
  Object.defineProperty(object, key, { value });
