/** How the CLI reports a failure: one line on stderr and an exit code; the stack only with --debug. */
import { AssbError, isFsError, fsError } from "../config/errors.js";

/** Prints `e` and returns the exit code: the error's own (2 input, 3 not converged), 2 for file-system errors, 1 otherwise. */
export function reportError(e: unknown, debug = false, stream: NodeJS.WritableStream = process.stderr): number {
  const stack = debug && e instanceof Error && e.stack ? `\n${e.stack}` : "";
  if (e instanceof AssbError) {
    stream.write(`assb: error: ${e.message}${stack}\n`);
    return e.exitCode;
  }
  if (isFsError(e) && e.path) {
    stream.write(
      `assb: error: ${fsError(e, e.path, e.syscall === "open" && /w/.test(String((e as { flags?: string }).flags ?? "")) ? "write" : e.syscall === "mkdir" ? "create the folder" : "read").message}${stack}\n`,
    );
    return 2;
  }
  const msg = e instanceof Error ? e.message.split("\n")[0] : String(e);
  stream.write(`assb: internal error: ${msg}${stack || " (run with --debug for the stack trace; please report it)"}\n`);
  return 1;
}
