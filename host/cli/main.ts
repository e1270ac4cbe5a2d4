#!/usr/bin/env node
/** `assb`: one subcommand per stage; thin wrappers over the library API. */
import { Command, CommanderError } from "commander";
import { VERSION } from "../version.js";
import { reportError } from "./fail.js";
import { register as registerDem } from "./dem.js";
import { register as registerDemo } from "./demo.js";
import { register as registerPack } from "./pack.js";
import { register as registerCompact } from "./compact.js";
import { register as registerImage } from "./image.js";
import { register as registerVoxelize } from "./voxelize.js";
import { register as registerTransport } from "./transport.js";
import { register as registerSegment } from "./segment.js";
import { register as registerMl } from "./ml.js";
import { register as registerTrain } from "./train.js";
import { register as registerCell } from "./cell.js";
import { register as registerMicro } from "./micro.js";
import { register as registerStudy } from "./study.js";
import { register as registerRun } from "./run.js";
import { register as registerWorker } from "./worker.js";
import { register as registerDataset } from "./dataset.js";
import { register as registerGrf } from "./grf.js";
import { register as registerApp } from "./app.js";

const debug = process.argv.includes("--debug");
const program = new Command();
program
  .name("assb")
  .description("assbkit: all-solid-state battery composite cathodes from particles to cell (DEM, transport, P2D, ML)")
  .version(VERSION)
  .option("--debug", "print stack traces with errors")
  // one line for usage errors too ("assb: error: unknown command 'foo'"), with commander's "did you mean"
  .configureOutput({
    outputError: (str, write) => write(`assb: ${str.trim().replace(/\s*\n\s*/g, " ")} (assb --help lists the commands and options)\n`),
  })
  // usage errors (unknown subcommand or option, missing argument) exit 2 like every other input error
  .exitOverride();
registerDemo(program);
registerRun(program);
registerDem(program);
registerPack(program);
registerCompact(program);
registerImage(program);
registerGrf(program);
registerVoxelize(program);
registerSegment(program);
registerTransport(program);
registerMl(program);
registerTrain(program);
registerCell(program);
registerMicro(program);
registerStudy(program);
registerWorker(program);
registerDataset(program);
registerApp(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2); // commander printed its message already
  process.exit(reportError(e, debug));
});
