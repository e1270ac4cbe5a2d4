/** Worker of `transportRequests`: solves the requests it is sent on the shared volume with its own compute core. */
import { parentPort, workerData } from "node:worker_threads";
import { loadCore } from "../core/wasm.js";
import { transport, type TransportRequest } from "./tortuosity.js";
import type { Volume } from "./volume_type.js";

const { volume, data, module } = workerData as {
  volume: Omit<Volume, "data">;
  data: SharedArrayBuffer;
  module?: WebAssembly.Module;
};
const k = await loadCore({ module });
const v: Volume = { ...volume, data: new Uint8Array(data) };
parentPort!.on("message", (m: { index: number; request: TransportRequest }) => {
  parentPort!.postMessage({ index: m.index, result: transport(k, v, m.request) });
});
parentPort!.postMessage({ ready: true });
