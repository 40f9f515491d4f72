// The topology page in Chromium, for the diagrams benchmark
// (server/benches/diagrams): first paint and DOM size of the page as the
// server sends it, then how long one pod's creation takes to change the
// diagram on the hydrated page. Run by the benchmark, which starts the
// cluster and Pilothouse; prints one JSON object on standard output.
//
// Environment: BENCH_BASE (Pilothouse's URL), BENCH_PASSWORD (admin's),
// BENCH_CLUSTER, BENCH_SIM (the cluster's URL, where pods are created),
// BENCH_NODE (the node the pods are bound to), BENCH_RUNS, BENCH_CHANGES.

import { env, launch, signIn } from "./common.mjs";

const base = env("BENCH_BASE");
const password = env("BENCH_PASSWORD");
const cluster = env("BENCH_CLUSTER");
const sim = env("BENCH_SIM");
const node = env("BENCH_NODE");
const runs = Number(env("BENCH_RUNS", "3"));
const changes = Number(env("BENCH_CHANGES", "10"));
const namespace = "bench-diagram";

const canvas = '[data-testid="diagram-canvas"]';

/** A call to the cluster's API; the sim takes JSON only. */
async function api(method, path, body) {
  const response = await fetch(`${sim}${path}`, {
    method,
    headers: { "content-type": "application/json", accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok && response.status !== 404 && response.status !== 409) {
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  }
  return response;
}

/** A pod already bound to `node`, so it counts in the diagram at once. */
function pod(name) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace },
    spec: { nodeName: node, containers: [{ name: "main", image: "busybox" }] },
  };
}

/** Resolves once the diagram has not changed for `ms` (at most 20 s). */
async function quiet(page, ms) {
  await page.evaluate(
    ([selector, ms]) =>
      new Promise((resolve) => {
        const target = document.querySelector(`${selector} .diagram-zoom`);
        let timer = setTimeout(done, ms);
        const give_up = setTimeout(done, 20_000);
        const observer = new MutationObserver(() => {
          clearTimeout(timer);
          timer = setTimeout(done, ms);
        });
        observer.observe(target, { childList: true, subtree: true, characterData: true });
        function done() {
          observer.disconnect();
          clearTimeout(timer);
          clearTimeout(give_up);
          resolve();
        }
      }),
    [canvas, ms],
  );
}

/** Arms a recorder of the diagram's next change (a wall-clock time). */
async function armChange(page) {
  await page.evaluate((selector) => {
    window.__benchChanged = null;
    const target = document.querySelector(`${selector} .diagram-zoom`);
    const observer = new MutationObserver(() => {
      window.__benchChanged ??= Date.now();
      observer.disconnect();
    });
    observer.observe(target, { childList: true, subtree: true, characterData: true });
  }, canvas);
}

const browser = await launch();
const result = { loads: [], latencies: [], missed: 0 };
try {
  await api("POST", "/api/v1/namespaces", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: namespace },
  });
  let serial = 0;
  for (let run = 0; run < runs; run++) {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    const page = await context.newPage();
    await signIn(page, base, password);

    await page.goto(`${base}/c/${cluster}/topology`, { waitUntil: "load", timeout: 120_000 });
    const load = await page.evaluate((selector) => {
      const nav = performance.getEntriesByType("navigation")[0];
      const fcp = performance.getEntriesByName("first-contentful-paint")[0];
      return {
        firstPaintMs: fcp ? fcp.startTime : null,
        responseEndMs: nav.responseEnd,
        loadMs: nav.loadEventEnd,
        htmlBytes: nav.decodedBodySize,
        domNodes: document.getElementsByTagName("*").length,
        svgNodes: document.querySelectorAll(`${selector} svg *`).length,
      };
    }, canvas);
    const hydrated = Date.now();
    await page.waitForSelector("#app[data-hydrated='true']", { state: "attached", timeout: 120_000 });
    load.hydratedAfterLoadMs = Date.now() - hydrated;
    result.loads.push(load);

    // Let the live subscription deliver its first drawing, then change.
    await quiet(page, 1500);
    for (let i = 0; i < changes; i++) {
      await armChange(page);
      const name = `bench-${process.pid}-${serial++}`;
      const sent = Date.now();
      await api("POST", `/api/v1/namespaces/${namespace}/pods`, pod(name));
      try {
        await page.waitForFunction(() => window.__benchChanged !== null, null, { timeout: 10_000, polling: 10 });
        result.latencies.push((await page.evaluate(() => window.__benchChanged)) - sent);
      } catch {
        result.missed += 1;
      }
      // The pod goes on starting (Pending → Running): wait until the
      // diagram settles so the next change is timed alone.
      await quiet(page, 1000);
    }
    await context.close();
  }
} finally {
  // The pods stay: the benchmark's cluster is thrown away after the run.
  await browser.close();
}
process.stdout.write(JSON.stringify(result) + "\n");
