/** Worker of a slab solve (slab_group.ts, workerGroup): holds a contiguous range of slabs, one compute core each. */
import { parentPort, workerData } from "node:worker_threads";
import { makeSlab, type SlabSpec } from "./slab_group.js";
import type { SlabOp, SlabSolver } from "./slab_solver.js";

const { spec, first, count, module } = workerData as { spec: SlabSpec; first: number; count: number; module?: WebAssembly.Module };
const slabs: SlabSolver[] = [];
parentPort!.on("message", async (m: { op: "setup" | SlabOp; a: number; beta: number; first: boolean }) => {
  try {
    if (m.op === "setup") {
      const out = [];
      for (let s = first; s < first + count; s++) {
        const { slab, setup } = await makeSlab(spec, s, module);
        slabs.push(slab);
        out.push(setup);
      }
      parentPort!.postMessage({ result: out });
      return;
    }
    parentPort!.postMessage({ result: slabs.map((sl) => sl.op(m.op as SlabOp, m.a, m.beta, m.first)) });
  } catch (e) {
    parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
});
