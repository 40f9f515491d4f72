import { expect, test } from "@playwright/test";
import { logIn, waitForHydration } from "./helpers";

test.describe("signing in", () => {
  test("opening / without a session lands on the login page", async ({ page }) => {
    await page.goto("/");
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("heading", { name: "Sign in to Pilothouse" })).toBeVisible();
  });

  test("a wrong password shows an error that does not say which part was wrong", async ({ page }) => {
    await logIn(page, "not-the-password");
    await expect(page).toHaveURL(/\/login\?error=invalid/);
    const error = page.getByTestId("login-error");
    await expect(error).toHaveText("Invalid username or password.");
    await page.getByLabel("Username").fill("nobody-here");
    await page.getByLabel("Password").fill("whatever");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("login-error")).toHaveText("Invalid username or password.");
  });

  test("the right password lands on the first cluster's Overview", async ({ page }) => {
    await logIn(page);
    await expect(page).toHaveURL(/\/c\/embedded\/overview$/);
    await expect(page.getByTestId("overview")).toBeVisible();
    await expect(page.getByTestId("username")).toHaveText("admin");
    await expect(page.getByTestId("current-cluster")).toHaveText("embedded");
  });

  test("a deep link survives the detour through the login page", async ({ page }) => {
    await page.goto("/c/embedded/k/persistentvolumeclaims");
    await expect(page).toHaveURL(/\/login\?next=\/c\/embedded\/k\/persistentvolumeclaims/);
    await page.getByLabel("Username").fill("admin");
    await page.getByLabel("Password").fill("e2e-admin-password-5f0c");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/c\/embedded\/k\/persistentvolumeclaims$/);
    await expect(page.getByRole("heading", { name: "Storage" })).toBeVisible();
  });
});

test.describe("the hydrated app shell", () => {
  test("the theme toggle changes the page without a reload", async ({ page }) => {
    await logIn(page);
    await waitForHydration(page);
    const app = page.locator("#app");
    const before = await app.getAttribute("data-theme");
    // A marker on window would vanish on a reload.
    await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
    await page.getByTestId("theme-toggle").click();
    await expect(app).not.toHaveAttribute("data-theme", before ?? "");
    expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
    // Put it back for the other tests (the choice is remembered per user).
    await page.getByTestId("theme-toggle").click();
    await expect(app).toHaveAttribute("data-theme", before ?? "light");
  });

  test("switching to 简体中文 changes the navigation labels, and it is remembered", async ({ page }) => {
    await logIn(page);
    await waitForHydration(page);
    const nav = page.getByRole("navigation");
    await expect(nav.getByRole("link", { name: "Workloads" })).toBeVisible();
    await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
    await page.getByTestId("language-switch").selectOption("zh-CN");
    await expect(nav.getByRole("link", { name: "工作负载" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "审计" })).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
    // Saved on the server: a fresh load is still in Chinese.
    await expect
      .poll(async () => {
        await page.reload();
        return page.getByRole("navigation").getByRole("link", { name: "工作负载" }).count();
      })
      .toBe(1);
    await waitForHydration(page);
    await page.getByTestId("language-switch").selectOption("en");
    await expect(page.getByRole("navigation").getByRole("link", { name: "Workloads" })).toBeVisible();
  });

  test("navigation reaches every section", async ({ page }) => {
    await logIn(page);
    await waitForHydration(page);
    const sections = ["Overview", "Topology", "Nodes", "Workloads", "Network", "Config", "Storage", "Events", "Namespaces", "All kinds", "Access", "Audit"];
    for (const name of sections) {
      await page.getByRole("navigation").getByRole("link", { name, exact: true }).click();
      await expect(page.getByRole("heading", { level: 1, name, exact: true })).toBeVisible();
    }
  });

  test("the page runs under its Content-Security-Policy without violations", async ({ page }) => {
    const violations: string[] = [];
    page.on("console", (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) violations.push(msg.text());
    });
    await logIn(page);
    await waitForHydration(page);
    expect(violations).toEqual([]);
  });

  test("logout returns to the login page and back shows no private page", async ({ page }) => {
    await logIn(page);
    await waitForHydration(page);
    await page.getByTestId("logout").click();
    await expect(page).toHaveURL(/\/login\?loggedout=1/);
    await expect(page.getByText("You have been signed out.")).toBeVisible();
    await page.goBack();
    await expect(page).toHaveURL(/\/login/);
    await expect(page.getByTestId("home")).toHaveCount(0);
    await expect(page.getByTestId("username")).toHaveCount(0);
  });
});
