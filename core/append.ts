// Appending a whole array. `target.push(...items)` passes every item as a call argument, and V8 runs
// out of stack somewhere past ~125k of them ("Maximum call stack size exceeded"): inputs that large
// are real (a 100 MB exchange.csv), so arrays of unbounded length are appended item by item.

/** Appends every item of `items` to `target` and returns `target`. */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}
