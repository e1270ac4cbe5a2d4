/** A one-line progress bar on stderr (only when it is a terminal or ASSB_PROGRESS=1). */
export function progressBar(stream: NodeJS.WriteStream = process.stderr) {
  const on = stream.isTTY || process.env.ASSB_PROGRESS === "1";
  let t0 = Date.now();
  let last = 0;
  let current = "";
  const draw = (label: string, f: number, counts: string, extra: string, final: boolean) => {
    if (!on) return;
    const now = Date.now();
    // a new phase gets its own bar and its own ETA
    if (label !== current) {
      if (current) stream.write("\n");
      current = label;
      t0 = now;
      last = 0;
    }
    if (now - last < 100 && !final) return;
    last = now;
    const w = 28;
    const fill = Math.round(Math.min(1, Math.max(0, f)) * w);
    const el = (now - t0) / 1000;
    const eta = f > 0 ? el * (1 / f - 1) : 0;
    stream.write(
      `\r${label.padEnd(12).slice(0, 12)} [${"#".repeat(fill)}${".".repeat(w - fill)}] ${(100 * f).toFixed(0).padStart(3)}%${counts} ${extra} ${el.toFixed(1)}s eta ${eta.toFixed(1)}s   `,
    );
  };
  return {
    /** `done` of `total` items (images, epochs, steps). */
    update(label: string, done: number, total: number, extra = ""): void {
      draw(label, total > 0 ? done / total : 1, ` ${done}/${total}`, extra, done >= total);
    },
    /** A fraction in [0, 1] of the phase `label` (a pressure against its target, a step budget). */
    fraction(label: string, f: number, extra = ""): void {
      draw(label, f, "", extra, f >= 1);
    },
    done(): void {
      if (on && current) stream.write("\n");
      current = "";
    },
  };
}
