// The study pool's worker entry when assbkit runs from its TypeScript sources (tsx): worker threads do not
// inherit tsx's ESM loader, so it is registered here before the worker module loads. The built package
// (dist/) loads worker.js directly.
import { register } from "tsx/esm/api";

register();
const worker = await import("./worker.ts");
export default worker.default;
