// The pods page of all namespaces in Chromium, for the gateway benchmark
// (server/benches/gateway): when the first rows show, when the page is
// interactive (hydrated) and how many DOM nodes it holds, whatever the
// cluster's size. Run by the benchmark, which starts the cluster and
// Pilothouse; prints one JSON object on standard output.
//
// Environment: BENCH_BASE (Pilothouse's URL), BENCH_PASSWORD (admin's),
// BENCH_CLUSTER, BENCH_RUNS.

import { env, launch, signIn } from "./common.mjs";

const base = env("BENCH_BASE");
const password = env("BENCH_PASSWORD");
const cluster = env("BENCH_CLUSTER");
const runs = Number(env("BENCH_RUNS", "3"));

/** Runs in the page before any of its scripts: notes, in ms since the
 * navigation began, when the first row is in the document and when the
 * app says it is hydrated. */
function recordMilestones() {
  window.__bench = { firstRows: null, interactive: null };
  const check = () => {
    const now = performance.now();
    if (window.__bench.firstRows === null && document.querySelector("table.rows-table tbody tr")) {
      window.__bench.firstRows = now;
    }
    if (window.__bench.interactive === null && document.querySelector("#app[data-hydrated='true']")) {
      window.__bench.interactive = now;
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true });
}

const browser = await launch();
const result = { loads: [] };
try {
  for (let run = 0; run < runs; run++) {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    const page = await context.newPage();
    await signIn(page, base, password);
    await page.addInitScript(recordMilestones);

    await page.goto(`${base}/c/${cluster}/k/pods`, { waitUntil: "load", timeout: 120_000 });
    await page.waitForSelector("#app[data-hydrated='true']", { state: "attached", timeout: 120_000 });
    const load = await page.evaluate(() => {
      const fcp = performance.getEntriesByName("first-contentful-paint")[0];
      return {
        firstRowsMs: window.__bench.firstRows,
        interactiveMs: window.__bench.interactive,
        firstPaintMs: fcp ? fcp.startTime : null,
        rows: document.querySelectorAll("table.rows-table tbody tr").length,
        domNodes: document.getElementsByTagName("*").length,
        htmlBytes: performance.getEntriesByType("navigation")[0].decodedBodySize,
      };
    });
    result.loads.push(load);
    await context.close();
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(result) + "\n");
