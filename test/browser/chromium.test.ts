/**
 * The same wasm core in headless Chromium: the browser bundle (esbuild of host/browser.ts) runs the
 * collision_equal and wall_slide cases on a page served from 127.0.0.1, and every recorded number
 * must equal Node's bit for bit (compared as the hex of the f64 bits).
 * Chromium: see harness.ts (Debian's when installed, else the one inside @sparticuz/chromium).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadDemCase } from "../../host/dem/node.js";
import { runCase } from "../../host/dem/run.js";
import { fixture, kernels } from "../helpers.js";
import { harness, closeHarness } from "./harness.js";

const hexRows = (rows: number[][]) =>
  rows.map((r) =>
    r
      .map((v) => {
        const b = new DataView(new ArrayBuffer(8));
        b.setFloat64(0, v);
        return b.getBigUint64(0).toString(16);
      })
      .join(" "),
  );

test.after(closeHarness);

for (const name of ["collision_equal", "wall_slide"]) {
  test(`${name}: Chromium and Node agree bit for bit`, async () => {
    const { config } = loadDemCase(fixture(`dem/${name}.yaml`));
    const node = runCase(await kernels("wasm"), loadDemCase(fixture(`dem/${name}.yaml`)).resolved);
    const h = await harness();
    const { page, errors } = await h.open();
    const out = await page.evaluate(
      async (cfg) => {
        const A = (window as unknown as { assbkit: typeof import("../../host/browser.js") }).assbkit;
        const core = await A.loadCore();
        const r = A.runCase(core, A.resolveCase(A.parseDemCase(cfg)));
        const hex = r.timeseries.rows.map((row) =>
          row
            .map((v) => {
              const b = new DataView(new ArrayBuffer(8));
              b.setFloat64(0, v);
              return b.getBigUint64(0).toString(16);
            })
            .join(" "),
        );
        return { hex, backend: r.backend, ua: navigator.userAgent };
      },
      config as unknown as Record<string, unknown>,
    );
    await page.close();
    assert.equal(errors, []);
    assert.is(out.backend, "wasm");
    assert.ok(/Chrome/.test(out.ua), out.ua);
    const mine = hexRows(node.timeseries.rows);
    assert.is(out.hex.length, mine.length);
    const firstDiff = out.hex.findIndex((r, k) => r !== mine[k]);
    assert.is(firstDiff, -1, `first differing row ${firstDiff}: browser ${out.hex[firstDiff]} vs node ${mine[firstDiff]}`);
  });
}

test.run();
