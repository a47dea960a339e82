// The torch differential campaign's comparison (scripts/float-compare.mjs): a float32's place in
// the order of all floats, and the "ulp " / "subnormal " marks that let a documented departure
// (simdpool/core's adaptive averages) be excused only when every difference is that small.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain script module, no declarations
import { compare, floatOrder } from '../scripts/float-compare.mjs';

const bits = new Int32Array(1), float = new Float32Array(bits.buffer);
const fromBits = (b: number) => ((bits[0] = b), float[0]);

describe('floatOrder', () => {
  it('orders floats as their values, adjacent floats one apart, -0 and +0 at 0', () => {
    expect([floatOrder(0), floatOrder(-0), floatOrder(2 ** -149), floatOrder(-(2 ** -149))]).toEqual([0, 0, 1, -1]);
    expect(floatOrder(Infinity) - floatOrder(3.4028234663852886e38)).toBe(1);
    expect(floatOrder(-3.4028234663852886e38) - floatOrder(-Infinity)).toBe(1);
    fc.assert(
      fc.property(fc.float({ noNaN: true }), fc.float({ noNaN: true }), (a, b) => {
        expect(Math.sign(floatOrder(a) - floatOrder(b))).toBe(Math.sign(a - b) || 0);
      }),
    );
    // the next float up, by bits (negative floats count down in their bits)
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true, max: Math.fround(3e38) }), (a) => {
        float[0] = a;
        const up = Object.is(a, -0) ? 2 ** -149 : fromBits(a < 0 ? bits[0] - 1 : bits[0] + 1);
        expect(floatOrder(up) - floatOrder(a)).toBe(1);
      }),
    );
  });
});

describe('compare', () => {
  const f = (...v: number[]) => Float32Array.from(v);
  it('is null only for the same bits (any NaN equals any NaN, the sign of zero counts)', () => {
    expect(compare(f(1, NaN, -0), f(1, NaN, -0), false, 'x')).toBeNull();
    expect(compare(f(0), f(-0), false, 'x')).toMatch(/^subnormal x: 1\/1 differ/);
    expect(compare(f(1, 2), f(1, 2, 3), false, 'x')).toBe('x: 2 values, torch 3');
  });
  it('marks "ulp " only when every difference is within one ulp', () => {
    float[0] = 1.5;
    const one = 1.5, at = bits[0], next = fromBits(at + 1), twoOff = fromBits(at + 2);
    expect(compare(f(next, 2), f(one, 2), false, 'x')).toMatch(/^ulp x: 1\/2 differ, first at 0: got 1\.50000011920928\d*, torch 1\.5$/);
    expect(compare(f(-next), f(-one), false, 'x')).toMatch(/^ulp x/);
    expect(compare(f(twoOff), f(one), false, 'x')).toMatch(/^x: 1\/1 differ/);
    expect(compare(f(next, twoOff), f(one, one), false, 'x')).toMatch(/^x: 2\/2 differ/);
    expect(compare(f(Infinity), f(3.4028234663852886e38), false, 'x')).toMatch(/^x/);
    expect(compare(f(NaN), f(1), false, 'x')).toMatch(/^x/);
  });
  it('marks "subnormal " for subnormal results a few units of 2^-149 off', () => {
    expect(compare(f(4 * 2 ** -149), f(0), false, 'x')).toMatch(/^subnormal x/);
    expect(compare(f(5 * 2 ** -149), f(0), false, 'x')).toMatch(/^x/);
  });
});
