/** `assb ml info`: which TensorFlow.js backend training runs on, and why the others are not used. */
import type { Command } from "commander";
import type { MlBackendRequest } from "../ml/backend.js";
import { parseBackend } from "../ml/names.js";

export function register(program: Command): void {
  const ml = program.command("ml").description("machine learning: backend information (training and prediction: assb train, assb predict)");
  ml.command("info")
    .description(
      "show the tfjs backend that runs (auto order: tfjs-node-gpu with a GPU, tfjs-node, wasm + kernel pack), why the others were not used, tfjs version, SIMD, threads and the kernel pack",
    )
    .option("--backend <name>", "auto, tensorflow, wasm or cpu", "auto")
    .option("--json", "print the information as JSON", false)
    .action(async (o: { backend: string; json: boolean }) => {
      const backend = parseBackend(o.backend) as MlBackendRequest;
      // TensorFlow.js loads only when an ML command runs
      const { initMl, describeBackend } = await import("../ml/backend.js");
      const { info } = await initMl({ backend });
      console.log(o.json ? JSON.stringify(info, null, 2) : describeBackend(info).join("\n"));
    });
}
