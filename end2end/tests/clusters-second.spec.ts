import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect, test } from "@playwright/test";
import { open, startSecondSim } from "./cluster-helpers";

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

  let sim = await startSecondSim(kubeconfig);
  try {
    await expect(picker.locator('li[data-cluster="second"]')).toHaveAttribute("data-state", "connected", { timeout: 30_000 });
    await page.reload();
    const names = async () =>
      page.locator("table.rows-table tbody tr").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-name") ?? "").sort());
    await expect.poll(names, { timeout: 30_000 }).toEqual(podNames(kubeconfig));

    sim.kill("SIGKILL");
    await expect(picker.locator('li[data-cluster="second"]')).toHaveAttribute("data-state", "reconnecting", { timeout: 5_000 });
    await expect(picker.locator('li[data-cluster="second"] [data-testid="cluster-error"]')).not.toBeEmpty();

    sim = await startSecondSim(kubeconfig);
    await expect(picker.locator('li[data-cluster="second"]')).toHaveAttribute("data-state", "connected", { timeout: 30_000 });
    await expect.poll(names, { timeout: 30_000 }).toEqual(podNames(kubeconfig));
  } finally {
    sim.kill("SIGKILL");
  }
});
