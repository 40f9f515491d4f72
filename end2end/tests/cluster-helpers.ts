import { ChildProcess, execFileSync, spawn } from "node:child_process";
import * as path from "node:path";
import { expect, Page } from "@playwright/test";
import { logIn, waitForHydration } from "./helpers";

/** The embedded cluster's kubeconfig, written by the server under test. */
export function kubeconfig(): string {
  const dir = process.env.PILOTHOUSE_E2E_DATA_DIR;
  if (!dir) throw new Error("PILOTHOUSE_E2E_DATA_DIR is not set");
  return path.join(dir, "embedded-kubeconfig.yaml");
}

/** Runs the real kubectl (from KUBECTL or PATH) against the embedded cluster. */
export function kubectl(...args: string[]): string {
  return execFileSync(process.env.KUBECTL ?? "kubectl", ["--kubeconfig", kubeconfig(), ...args], {
    encoding: "utf8",
    input: "",
  });
}

/** Runs kubectl with a manifest on standard input. */
export function kubectlApply(manifest: string): string {
  return execFileSync(process.env.KUBECTL ?? "kubectl", ["--kubeconfig", kubeconfig(), "apply", "-f", "-"], {
    encoding: "utf8",
    input: manifest,
  });
}

/** Runs `pilothouse sim-fault …` against the embedded cluster. */
export function simFault(...args: string[]): string {
  const bin = process.env.PILOTHOUSE_BIN ?? path.resolve(__dirname, "../../target/debug/pilothouse");
  return execFileSync(bin, ["sim-fault", "--kubeconfig", kubeconfig(), ...args], { encoding: "utf8" });
}

/** Signs in and opens `path`, waiting for hydration (live updates). */
export async function open(page: Page, target: string) {
  await logIn(page);
  await page.goto(target);
  await waitForHydration(page);
}

/** The row of `name` in the list on the page. */
export function row(page: Page, name: string) {
  return page.locator(`table.rows-table tbody tr[data-name="${name}"]`);
}

/** Waits until the list's total reads `n`. */
export async function expectTotal(page: Page, n: number) {
  await expect(page.getByTestId("list-total")).toHaveText(String(n));
}

/**
 * Makes sure namespace `load` holds `count` pods. They ask for a node that
 * does not exist, so they stay Pending and take no node's capacity.
 */
export function ensureLoadPods(count = 2000) {
  const have = kubectl("get", "pods", "-n", "load", "--no-headers", "--ignore-not-found").trim();
  if (have.split("\n").filter((l) => l.trim()).length >= count) return;
  const items = [];
  for (let i = 0; i < count; i++) {
    const n = String(i).padStart(4, "0");
    items.push({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: `load-${n}`, namespace: "load", labels: { app: "load", shard: String(i % 10) } },
      spec: { nodeSelector: { "pilothouse.dev/nowhere": "true" }, containers: [{ name: "c", image: "busybox" }] },
    });
  }
  kubectlApply(JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "load" } }));
  execFileSync(process.env.KUBECTL ?? "kubectl", ["--kubeconfig", kubeconfig(), "create", "--validate=false", "-f", "-"], {
    encoding: "utf8",
    input: JSON.stringify({ apiVersion: "v1", kind: "List", items }),
    maxBuffer: 64 * 1024 * 1024,
  });
}

/**
 * Starts `pilothouse sim` (with `extra` flags) on the second cluster's port,
 * writing its kubeconfig to `kubeconfigOut`; resolves once it serves.
 * It serves plain HTTP (`--insecure-http`): the server under test was given
 * a kubeconfig for this port before the cluster existed, so it holds no CA
 * or credentials, and a restarted cluster makes a new CA. The embedded
 * cluster is the one the tests reach over HTTPS.
 */
export async function startSecondSim(kubeconfigOut: string, ...extra: string[]): Promise<ChildProcess> {
  const bin = process.env.PILOTHOUSE_BIN ?? path.resolve(__dirname, "../../target/debug/pilothouse");
  const port = process.env.PILOTHOUSE_E2E_SECOND_PORT!;
  const child = spawn(bin, ["sim", "--listen", `127.0.0.1:${port}`, "--kubeconfig-out", kubeconfigOut, "--insecure-http", ...extra], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    let seen = "";
    child.stdout!.on("data", (chunk) => {
      seen += chunk;
      if (seen.includes("kubeconfig written to")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`sim exited with ${code}`)));
  });
  return child;
}
