// Header-slot accessors: every header field is an 8-byte slot (see dem/layout.ts).

@inline export function gI(sys: usize, slot: i32): i32 { return load<i32>(sys + (<usize>slot << 3)); }
@inline export function sI(sys: usize, slot: i32, v: i32): void { store<i32>(sys + (<usize>slot << 3), v); }
@inline export function gF(sys: usize, slot: i32): f64 { return load<f64>(sys + (<usize>slot << 3)); }
@inline export function sF(sys: usize, slot: i32, v: f64): void { store<f64>(sys + (<usize>slot << 3), v); }
@inline export function gP(sys: usize, slot: i32): usize { return <usize>load<u32>(sys + (<usize>slot << 3)); }
@inline export function sP(sys: usize, slot: i32, p: usize): void { store<u32>(sys + (<usize>slot << 3), <u32>p); }

// f64 / i32 array element access by index
@inline export function ldF(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
@inline export function stF(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }
@inline export function ldI(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
@inline export function stI(p: usize, i: i32, v: i32): void { store<i32>(p + (<usize>i << 2), v); }

/** First byte the host may use: everything below belongs to the module's static data. */
export function heapBase(): usize { return __heap_base; }

// f32 array element access by index, as f64 (the store rounds to nearest)
@inline export function ldS(p: usize, i: i32): f64 { return <f64>load<f32>(p + (<usize>i << 2)); }
@inline export function stS(p: usize, i: i32, v: f64): void { store<f32>(p + (<usize>i << 2), <f32>v); }

// u8 array element access by index
@inline export function ldB(p: usize, i: i32): i32 { return <i32>load<u8>(p + <usize>i); }
@inline export function stB(p: usize, i: i32, v: i32): void { store<u8>(p + <usize>i, <u8>v); }
