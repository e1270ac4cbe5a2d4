// Canvas line plots and histograms with labelled axes (units in the labels), for the panels and their PNG export.

export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color?: string;
  /** draw markers at the points */
  points?: boolean;
}

const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b"];
const M = { left: 72, right: 16, top: 28, bottom: 52 };

function niceTicks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}
const fmtTick = (v: number) =>
  Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(4)));

function extent(vals: ArrayLike<number>[]): [number, number] {
  let lo = Infinity,
    hi = -Infinity;
  for (const a of vals)
    for (let i = 0; i < a.length; i++)
      if (Number.isFinite(a[i])) {
        lo = Math.min(lo, a[i]);
        hi = Math.max(hi, a[i]);
      }
  if (!Number.isFinite(lo)) return [0, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  return [lo, hi];
}

function frame(ctx: CanvasRenderingContext2D, W: number, H: number, title: string): void {
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, W, H);
  ctx.fillStyle = "#111";
  ctx.font = "bold 14px sans-serif";
  ctx.textAlign = "center";
  ctx.fillText(title, W / 2, 18);
}

function axes(
  ctx: CanvasRenderingContext2D,
  W: number,
  H: number,
  xr: [number, number],
  yr: [number, number],
  xLabel: string,
  yLabel: string,
): { X: (v: number) => number; Y: (v: number) => number } {
  const pw = W - M.left - M.right,
    ph = H - M.top - M.bottom;
  const X = (v: number) => M.left + ((v - xr[0]) / (xr[1] - xr[0])) * pw;
  const Y = (v: number) => M.top + ph - ((v - yr[0]) / (yr[1] - yr[0])) * ph;
  ctx.strokeStyle = "#333";
  ctx.lineWidth = 1;
  ctx.strokeRect(M.left, M.top, pw, ph);
  ctx.font = "12px sans-serif";
  ctx.fillStyle = "#333";
  ctx.textAlign = "center";
  for (const t of niceTicks(xr[0], xr[1])) {
    ctx.beginPath();
    ctx.moveTo(X(t), M.top + ph);
    ctx.lineTo(X(t), M.top + ph + 5);
    ctx.stroke();
    ctx.fillText(fmtTick(t), X(t), M.top + ph + 18);
  }
  ctx.textAlign = "right";
  for (const t of niceTicks(yr[0], yr[1])) {
    ctx.beginPath();
    ctx.moveTo(M.left - 5, Y(t));
    ctx.lineTo(M.left, Y(t));
    ctx.stroke();
    ctx.fillText(fmtTick(t), M.left - 8, Y(t) + 4);
  }
  ctx.textAlign = "center";
  ctx.font = "13px sans-serif";
  ctx.fillText(xLabel, M.left + pw / 2, H - 12);
  ctx.save();
  ctx.translate(16, M.top + ph / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
  return { X, Y };
}

/** Line plot of the series on the canvas. */
export function linePlot(canvas: HTMLCanvasElement, series: Series[], o: { title: string; xLabel: string; yLabel: string }): void {
  const ctx = canvas.getContext("2d")!;
  const W = canvas.width,
    H = canvas.height;
  frame(ctx, W, H, o.title);
  const { X, Y } = axes(ctx, W, H, extent(series.map((s) => s.x)), extent(series.map((s) => s.y)), o.xLabel, o.yLabel);
  series.forEach((s, k) => {
    const c = s.color ?? PALETTE[k % PALETTE.length];
    ctx.strokeStyle = c;
    ctx.fillStyle = c;
    ctx.lineWidth = 2;
    ctx.beginPath();
    let started = false;
    for (let i = 0; i < s.x.length; i++) {
      if (!Number.isFinite(s.x[i]) || !Number.isFinite(s.y[i])) continue;
      if (started) ctx.lineTo(X(s.x[i]), Y(s.y[i]));
      else ctx.moveTo(X(s.x[i]), Y(s.y[i]));
      started = true;
    }
    ctx.stroke();
    if (s.points) for (let i = 0; i < s.x.length; i++) ctx.fillRect(X(s.x[i]) - 3, Y(s.y[i]) - 3, 6, 6);
    // legend
    ctx.fillRect(W - M.right - 150, M.top + 10 + k * 16, 14, 3);
    ctx.fillStyle = "#111";
    ctx.textAlign = "left";
    ctx.font = "12px sans-serif";
    ctx.fillText(s.name, W - M.right - 130, M.top + 15 + k * 16);
  });
}

/** Histogram of each named sample set (bins shared), drawn as outlined bars. */
export function histogram(
  canvas: HTMLCanvasElement,
  sets: { name: string; values: number[] }[],
  o: { title: string; xLabel: string; bins?: number },
): void {
  const nb = o.bins ?? 30;
  const [lo, hi] = extent(sets.map((s) => s.values));
  const w = (hi - lo) / nb;
  const counts = sets.map((s) => {
    const c = new Array(nb).fill(0);
    for (const v of s.values) if (Number.isFinite(v)) c[Math.min(nb - 1, Math.max(0, Math.floor((v - lo) / w)))]++;
    return c;
  });
  const ctx = canvas.getContext("2d")!;
  frame(ctx, canvas.width, canvas.height, o.title);
  const ymax = Math.max(1, ...counts.flat());
  const { X, Y } = axes(ctx, canvas.width, canvas.height, [lo, hi], [0, ymax * 1.05], o.xLabel, "particles");
  counts.forEach((c, k) => {
    ctx.strokeStyle = PALETTE[k % PALETTE.length];
    ctx.fillStyle = `${PALETTE[k % PALETTE.length]}55`;
    c.forEach((n, b) => {
      const x0 = X(lo + b * w),
        x1 = X(lo + (b + 1) * w);
      ctx.fillRect(x0, Y(n), x1 - x0, Y(0) - Y(n));
      ctx.strokeRect(x0, Y(n), x1 - x0, Y(0) - Y(n));
    });
    ctx.fillStyle = PALETTE[k % PALETTE.length];
    ctx.fillRect(canvas.width - M.right - 150, M.top + 10 + k * 16, 14, 8);
    ctx.fillStyle = "#111";
    ctx.textAlign = "left";
    ctx.fillText(sets[k].name, canvas.width - M.right - 130, M.top + 18 + k * 16);
  });
}
