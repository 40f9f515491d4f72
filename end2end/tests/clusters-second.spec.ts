import { ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect, test } from "@playwright/test";
import { open } from "./cluster-helpers";

const port = process.env.PILOTHOUSE_E2E_SECOND_PORT!;
const bin = process.env.PILOTHOUSE_BIN ?? path.resolve(__dirname, "../../target/debug/pilothouse");

/** Starts `pilothouse sim` on the second cluster's port; resolves once it serves. */
async function startSim(kubeconfig: string): Promise<ChildProcess> {
  const child = spawn(bin, ["sim", "--listen", `127.0.0.1:${port}`, "--kubeconfig-out", kubeconfig], {
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

function podNames(kubeconfig: string): string[] {
  const out = execFileSync(process.env.KUBECTL ?? "kubectl", ["--kubeconfig", kubeconfig, "get", "pods", "-n", "demo", "-o", "name"], {
    encoding: "utf8",
  });
  return out.trim().split("\n").map((l) => l.replace("pod/", "")).sort();
}

test("a second cluster from a kubeconfig: unreachable, connected, lost and recovered", async ({ page }) => {
  test.setTimeout(180_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pilothouse-second-"));
  const kubeconfig = path.join(dir, "kubeconfig.yaml");
  await open(page, "/c/second/k/pods?namespace=demo");
  const picker = page.getByTestId("cluster-picker");
  await expect(picker.locator('li[data-cluster="second"]')).toHaveAttribute("data-state", "unreachable");

  let sim = await startSim(kubeconfig);
  try {
    await expect(picker.locator('li[data-cluster="second"]')).toHaveAttribute("data-state", "connected", { timeout: 30_000 });
    await page.reload();
    const names = async () =>
      page.locator("table.rows-table tbody tr").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-name") ?? "").sort());
    await expect.poll(names, { timeout: 30_000 }).toEqual(podNames(kubeconfig));

    sim.kill("SIGKILL");
    await expect(picker.locator('li[data-cluster="second"]')).toHaveAttribute("data-state", "reconnecting", { timeout: 5_000 });
    await expect(picker.locator('li[data-cluster="second"] [data-testid="cluster-error"]')).not.toBeEmpty();

    sim = await startSim(kubeconfig);
    await expect(picker.locator('li[data-cluster="second"]')).toHaveAttribute("data-state", "connected", { timeout: 30_000 });
    await expect.poll(names, { timeout: 30_000 }).toEqual(podNames(kubeconfig));
  } finally {
    sim.kill("SIGKILL");
  }
});
