/** assbkit library API (Node). The browser entry is host/browser.ts (no file-system helpers). */
export * from "./browser.js";
export { loadDemCase, writeDemResult } from "./dem/node.js";
export { writeFileAtomic } from "./io/atomic.js";
export { readConfigFile } from "./config/load.js";
export { readVolume, writeVolume, encodeTiff, decodeTiff, decodePng } from "./transport/volume.js";
