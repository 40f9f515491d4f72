import { expect, test } from "@playwright/test";
import { ADMIN_PASSWORD } from "./helpers";
import { ensureLoadPods } from "./cluster-helpers";

test("without JavaScript the Overview, lists and details are readable and paged", async ({ page }) => {
  test.setTimeout(240_000);
  ensureLoadPods();
  await page.goto("/login");
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/c\/embedded\/overview$/);
  await expect(page.getByTestId("nodes-ready-worker")).toHaveText("3");

  await page.goto("/c/embedded/k/pods?namespace=load");
  await expect(page.locator("table.rows-table tbody tr")).toHaveCount(100);
  await page.getByTestId("page-next").click();
  await expect(page).toHaveURL(/offset=100/);
  await expect(page.getByTestId("list-range")).toHaveText("101–200");

  await page.goto("/c/embedded/k/pods/demo/myapp-pod");
  await expect(page.getByTestId("object-name")).toHaveText("myapp-pod");
  await expect(page.getByTestId("object-yaml")).toContainText("init-mydb");
});
