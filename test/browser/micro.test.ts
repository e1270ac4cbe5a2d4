/**
 * The micro chemo-mechanical model in headless Chromium: Fig 7's case (cohesive interface with damage) on the
 * coarsest mesh through the browser bundle must give Node's series bit for bit (compared as the hex of the
 * f64 bits): the same kernels, the same step control, the same damage onset.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadCore } from "../../host/core/wasm.js";
import { parseMicroConfig } from "../../host/micro/config.js";
import { runMicro } from "../../host/micro/model.js";
import { harness, closeHarness } from "./harness.js";

const input = { flux_mol_m2_s: 7.83e-4, fractureEnergy_J_m2: 5.97, resolution: 1 };
const hex = (v: number) => {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, v);
  return b.getBigUint64(0).toString(16);
};

test.after(closeHarness);

test("micro, Gc 5.97 at J_s 7.83e-4: Chromium and Node agree bit for bit on every recorded step", async () => {
  const node = runMicro(await loadCore(), parseMicroConfig(input));
  const h = await harness();
  const { page, errors } = await h.open();
  const out = await page.evaluate(async (inp) => {
    const A = (window as unknown as { assbkit: typeof import("../../host/browser.js") }).assbkit;
    const r = A.runMicro(await A.loadCore(), A.parseMicroConfig(inp));
    const s = r.series;
    const rows = s.t_s.map((_, k) => [s.t_s[k], s.c_surf_norm[k], s.c_bulk_norm[k], s.c_max_norm[k], s.damage_avg[k], s.vm_max_AM_Pa[k]]);
    return { rows, onset: r.damageOnset_s, steps: r.steps, ua: navigator.userAgent };
  }, input);
  await page.close();
  assert.equal(errors, []);
  assert.ok(/Chrome/.test(out.ua), out.ua);
  const s = node.series;
  const mine = s.t_s.map((_, k) =>
    [s.t_s[k], s.c_surf_norm[k], s.c_bulk_norm[k], s.c_max_norm[k], s.damage_avg[k], s.vm_max_AM_Pa[k]].map(hex).join(" "),
  );
  const theirs = out.rows.map((r) => r.map(hex).join(" "));
  assert.is(out.steps, node.steps);
  assert.is(theirs.length, mine.length);
  const first = theirs.findIndex((r, k) => r !== mine[k]);
  assert.is(first, -1, `first differing step ${first}: browser ${theirs[first]} vs node ${mine[first]}`);
  assert.is(out.onset, node.damageOnset_s);
  assert.ok((node.damageOnset_s ?? 0) > 0, "damage starts within the run");
});

test.run();
