// What the browser benchmarks share: their settings from the environment,
// Debian's Chromium with the flags the Playwright tests use, and signing in.

import * as fs from "node:fs";
import { chromium } from "@playwright/test";

/** The environment variable `name`, or `fallback`; throws if neither. */
export function env(name, fallback) {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
}

/** Debian's Chromium (never a downloaded one), headless, with the flags
 * of end2end/chromium-args.json. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: JSON.parse(fs.readFileSync(new URL("../chromium-args.json", import.meta.url), "utf8")),
  });
}

/** Signs `page` in as admin at `base` and waits to leave the login page. */
export async function signIn(page, base, password) {
  await page.goto(`${base}/login`);
  await page.fill('input[name="username"]', "admin");
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith("/login")), page.click('button[type="submit"]')]);
}
