/** A one-line progress bar on stderr (only when it is a terminal or ASSB_PROGRESS=1). */
export function progressBar(stream: NodeJS.WriteStream = process.stderr) {
  const on = stream.isTTY || process.env.ASSB_PROGRESS === "1";
  const t0 = Date.now();
  let last = 0;
  return {
    update(label: string, done: number, total: number, extra = ""): void {
      if (!on) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const f = total > 0 ? done / total : 1;
      const w = 28;
      const fill = Math.round(f * w);
      const el = (now - t0) / 1000;
      const eta = f > 0 ? el * (1 / f - 1) : 0;
      stream.write(`\r${label.padEnd(12).slice(0, 12)} [${"#".repeat(fill)}${".".repeat(w - fill)}] ${(100 * f).toFixed(0).padStart(3)}% ${done}/${total} ${extra} ${el.toFixed(1)}s eta ${eta.toFixed(1)}s   `);
    },
    done(): void { if (on) stream.write("\n"); },
  };
}
