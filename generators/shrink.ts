/**
 * Arbitraries whose counterexamples shrink to the fewest workflows and ops.
 *
 * Every shrink step of a conformance check costs a real issuance, and
 * shrinking has a time budget (run-check.ts), so the order in which
 * fast-check tries candidates decides what a report shows. Two defaults hurt:
 *
 * - `fc.array` removes items only by cutting the array from the front (and,
 *   with `minLength: 1`, can never remove the last item of its tail), so an
 *   empty workflow after the one that breaks the target stayed in the report;
 * - `fc.record` shrinks its fields in key order, so the tenant (first) took
 *   the whole budget before the workflows (after it) were touched.
 *
 * Both replacements generate exactly the values `fc.array` / `fc.record`
 * generate for the same seed (self-tested), so verdicts of seeded runs do not
 * move; only the order of shrink candidates changes.
 */
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';

/** The context `fc.array` gives its values (fast-check 4 internals); read defensively. */
interface ArrayContext {
  shrunkOnce: boolean;
  lengthContext: unknown;
  itemsContexts: unknown[];
  startIndex: number;
}

function isArrayContext(c: unknown, length: number): c is ArrayContext {
  return typeof c === 'object' && c !== null && Array.isArray((c as ArrayContext).itemsContexts) && (c as ArrayContext).itemsContexts.length === length;
}

class FewestItemsFirst<T> extends fc.Arbitrary<T[]> {
  constructor(
    private readonly inner: Arbitrary<T[]>,
    private readonly minLength: number,
  ) {
    super();
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<T[]> {
    return this.inner.generate(mrng, biasFactor);
  }

  canShrinkWithoutContext(value: unknown): value is T[] {
    return this.inner.canShrinkWithoutContext(value);
  }

  shrink(value: T[], context: unknown): fc.Stream<fc.Value<T[]>> {
    const min = this.minLength;
    // Each single item removed, the last one first (fast-check's own length shrinks cut from the front).
    function* removals(): Generator<fc.Value<T[]>> {
      if (value.length <= min) return;
      for (let i = value.length - 1; i >= 0; i--) {
        const rest = value.filter((_, j) => j !== i);
        const ctx = isArrayContext(context, value.length)
          ? { shrunkOnce: true, lengthContext: undefined, itemsContexts: context.itemsContexts.filter((_, j) => j !== i), startIndex: 0 }
          : undefined;
        yield new fc.Value(rest, ctx);
      }
    }
    return fc.stream(removals()).join(this.inner.shrink(value, context));
  }
}

/** `fc.array(item, constraints)`: same values; shrinking tries removing each single item before anything else. */
export function fewestItemsArray<T>(item: Arbitrary<T>, constraints: fc.ArrayConstraints = {}): Arbitrary<T[]> {
  return new FewestItemsFirst(fc.array(item, constraints), constraints.minLength ?? 0);
}

interface RecordContext {
  fields: fc.Value<unknown>[];
  nullPrototype: fc.Value<boolean>;
}

class FieldsFirstRecord<T extends object> extends fc.Arbitrary<T> {
  readonly #keys: string[];
  readonly #arbs: Arbitrary<unknown>[];
  readonly #order: number[];
  readonly #flag = fc.boolean();

  constructor(model: { [K in keyof T]: Arbitrary<T[K]> }, first: readonly string[]) {
    super();
    this.#keys = Object.keys(model);
    this.#arbs = this.#keys.map((k) => (model as Record<string, Arbitrary<unknown>>)[k]!);
    const index = (k: string) => this.#keys.indexOf(k);
    const firstIdx = first.map(index).filter((i) => i >= 0);
    this.#order = [...firstIdx, ...this.#keys.map((_, i) => i).filter((i) => !firstIdx.includes(i))];
  }

  #build(fields: fc.Value<unknown>[], nullPrototype: fc.Value<boolean>): fc.Value<T> {
    // What fc.record builds: a null-prototype object when its last (boolean) draw says so.
    const obj: Record<string, unknown> = nullPrototype.value ? Object.create(null) : {};
    this.#keys.forEach((k, i) => Object.defineProperty(obj, k, { value: fields[i]!.value, configurable: true, enumerable: true, writable: true }));
    const context: RecordContext = { fields, nullPrototype };
    return new fc.Value(obj as T, context);
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<T> {
    // The draws of fc.record: its fields in key order, then one boolean.
    const fields = this.#arbs.map((a) => a.generate(mrng, biasFactor));
    if (fields.some((f) => f.hasToBeCloned)) throw new Error('shrinkingFirst: fields with cloneable values are not supported');
    return this.#build(fields, this.#flag.generate(mrng, biasFactor));
  }

  canShrinkWithoutContext(_value: unknown): _value is T {
    return false;
  }

  shrink(_value: T, context: unknown): fc.Stream<fc.Value<T>> {
    const ctx = context as RecordContext | undefined;
    if (!ctx) return fc.Stream.nil();
    const streams = this.#order.map((i) =>
      fc.stream(
        (function* (arb: Arbitrary<unknown>, self: FieldsFirstRecord<T>) {
          for (const v of arb.shrink(ctx.fields[i]!.value, ctx.fields[i]!.context)) {
            yield self.#build(ctx.fields.map((f, j) => (j === i ? v : f)), ctx.nullPrototype);
          }
        })(this.#arbs[i]!, this),
      ),
    );
    const flag = fc.stream(
      (function* (self: FieldsFirstRecord<T>) {
        for (const v of self.#flag.shrink(ctx.nullPrototype.value, ctx.nullPrototype.context)) yield self.#build(ctx.fields, v);
      })(this),
    );
    return fc.Stream.nil<fc.Value<T>>().join(...streams, flag);
  }
}

/**
 * `fc.record(model)` whose named fields shrink before the others, e.g. the
 * workflows of a counterexample before its tenant. Same values as `fc.record`.
 */
export function shrinkingFirst<T extends object>(model: { [K in keyof T]: Arbitrary<T[K]> }, fields: readonly string[]): Arbitrary<T> {
  return new FieldsFirstRecord(model, fields);
}
