// int8/uint8 bytes as signed codes, the form every byte kernel computes in: uint8 bytes are read
// with their top bit flipped (`bias` 128: x ^ 0x80 = x - 128 as int8), which keeps their order;
// int8 takes bias 0. Results are flipped back on the way out.

/** The code at p as a signed value (uint8: biased by -128). */
@inline export function loadCode(p: usize, bias: i32): i32 {
  return <i32><i8>(<i32>load<u8>(p) ^ bias);
}

/** A signed value back to its byte (uint8: unbiased). */
@inline export function storeCode(p: usize, v: i32, bias: i32): void {
  store<u8>(p, v ^ bias);
}

/** Sixteen codes at p as signed bytes; `flip` is the bias in every byte. */
@inline export function loadCodes(p: usize, flip: v128): v128 {
  return v128.xor(v128.load(p), flip);
}

/** Sixteen signed codes back to their bytes at p. */
@inline export function storeCodes(p: usize, v: v128, flip: v128): void {
  v128.store(p, v128.xor(v, flip));
}
