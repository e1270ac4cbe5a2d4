#!/usr/bin/env node
/** `assb`: one subcommand per stage; thin wrappers over the library API. */
import { Command } from "commander";
import { VERSION } from "../version.js";
import { ConfigError } from "../config/errors.js";
import { DemUnstableError } from "../dem/system.js";
import { register as registerDem } from "./dem.js";
import { register as registerDemo } from "./demo.js";
import { register as registerPack } from "./pack.js";
import { register as registerCompact } from "./compact.js";
import { register as registerImage } from "./image.js";
import { register as registerTransport } from "./transport.js";
import { register as registerMl } from "./ml.js";
import { register as registerTrain } from "./train.js";
import { register as registerCell } from "./cell.js";

const program = new Command();
program
  .name("assb")
  .description("assbkit: all-solid-state battery composite cathodes from particles to cell (DEM, transport, P2D, ML)")
  .version(VERSION)
  .showHelpAfterError();
registerDemo(program);
registerDem(program);
registerPack(program);
registerCompact(program);
registerImage(program);
registerTransport(program);
registerMl(program);
registerTrain(program);
registerCell(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  if (e instanceof ConfigError || e instanceof DemUnstableError) {
    console.error(`assb: error: ${e.message}`);
    process.exit(2);
  }
  console.error(`assb: ${(e as Error).stack ?? e}`);
  process.exit(1);
});
