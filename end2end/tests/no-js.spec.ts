import { expect, test } from "@playwright/test";
import { ADMIN_PASSWORD } from "./helpers";

// Runs in the "chromium-no-js" project: JavaScript is disabled, so
// everything here is server-rendered HTML and plain form posts.
test("signing in and out works with JavaScript disabled", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password").fill("wrong");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("login-error")).toHaveText("Invalid username or password.");
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/c\/embedded\/overview$/);
  await expect(page.getByTestId("overview")).toBeVisible();
  await expect(page.locator("#app")).not.toHaveAttribute("data-hydrated", "true");
  await page.getByTestId("logout").click();
  await expect(page).toHaveURL(/\/login\?loggedout=1/);
});
