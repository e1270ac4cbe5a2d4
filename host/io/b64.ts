/** Typed arrays <-> base64 (little-endian bytes), in Node and browsers, for exact restart files. */
export function toBase64(a: ArrayBufferView): string {
  const u8 = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (typeof Buffer !== "undefined") return Buffer.from(u8).toString("base64");
  let s = "";
  for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
  return btoa(s);
}
export function fromBase64(s: string): Uint8Array {
  if (typeof Buffer !== "undefined") return new Uint8Array(Buffer.from(s, "base64"));
  const b = atob(s);
  const u8 = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) u8[i] = b.charCodeAt(i);
  return u8;
}
export const f64FromBase64 = (s: string) => {
  const u = fromBase64(s);
  return new Float64Array(u.buffer, u.byteOffset, u.byteLength / 8);
};
export const i32FromBase64 = (s: string) => {
  const u = fromBase64(s);
  return new Int32Array(u.buffer, u.byteOffset, u.byteLength / 4);
};
