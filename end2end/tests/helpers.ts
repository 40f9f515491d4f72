import { expect, Page } from "@playwright/test";

export const ADMIN_PASSWORD = "e2e-admin-password-5f0c";

/** Waits until the WebAssembly has hydrated the page. */
export async function waitForHydration(page: Page) {
  // A debug build's WebAssembly can take a while to compile on a busy machine.
  await expect(page.locator("#app[data-hydrated='true']")).toBeAttached({ timeout: 45_000 });
}

/** Signs in as admin through the login form. */
export async function logIn(page: Page, password = ADMIN_PASSWORD) {
  await page.goto("/login");
  await page.getByLabel(/Username|用户名/).fill("admin");
  await page.getByLabel(/Password|密码/).fill(password);
  await page.getByRole("button", { name: /Sign in|登录/ }).click();
}
