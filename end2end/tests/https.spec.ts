import { expect, test } from "@playwright/test";
import { ADMIN_PASSWORD, logIn, waitForHydration } from "./helpers";

// Runs in the "chromium-https" project, against the server that speaks
// HTTPS itself (see playwright.config.ts), with its own data directory.
test.describe.configure({ mode: "serial" });

test("signing in over HTTPS sets a Secure __Host- cookie and HSTS", async ({ page, context }) => {
  const response = await page.goto("/login");
  expect(response?.headers()["strict-transport-security"]).toContain("max-age=");
  await logIn(page);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("home")).toBeVisible();
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === "__Host-pilothouse_session");
  expect(session, JSON.stringify(cookies)).toBeDefined();
  expect(session?.secure).toBe(true);
  expect(session?.httpOnly).toBe(true);
});

test("changing the password ends the other browser's session", async ({ browser }) => {
  const newPassword = "a brand new e2e passphrase";
  const mine = await browser.newContext();
  const other = await browser.newContext();
  const page = await mine.newPage();
  const otherPage = await other.newPage();
  await logIn(otherPage);
  await expect(otherPage.getByTestId("home")).toBeVisible();
  await logIn(page);
  await waitForHydration(page);
  await page.getByTestId("change-password").click();
  await expect(page).toHaveURL(/\/account\/password$/);
  await page.getByLabel("Current password", { exact: true }).fill(ADMIN_PASSWORD);
  await page.getByLabel("New password", { exact: true }).fill(newPassword);
  await page.getByLabel("Repeat the new password", { exact: true }).fill(newPassword);
  await page.getByTestId("password-submit").click();
  await expect(page.getByTestId("password-changed")).toBeVisible();

  await otherPage.reload();
  await expect(otherPage).toHaveURL(/\/login/);
  await logIn(otherPage);
  await expect(otherPage.getByTestId("login-error")).toHaveText("Invalid username or password.");
  await logIn(otherPage, newPassword);
  await expect(otherPage.getByTestId("home")).toBeVisible();
  await mine.close();
  await other.close();
});
