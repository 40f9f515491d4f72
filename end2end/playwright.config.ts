import { defineConfig } from "@playwright/test";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// The server under test: the built `pilothouse` binary with a fresh data
// directory and a known admin password, on its own port.
const port = Number(process.env.PILOTHOUSE_E2E_PORT ?? 3197);
const repo = path.resolve(__dirname, "..");
const binary = process.env.PILOTHOUSE_BIN ?? path.join(repo, "target", "debug", "pilothouse");
const siteRoot = process.env.LEPTOS_SITE_ROOT ?? path.join(repo, "target", "site");
// Shared with the test workers (they inherit the environment), so tests
// find the embedded cluster's kubeconfig in the server's data directory.
const dataDir = (process.env.PILOTHOUSE_E2E_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), "pilothouse-e2e-")));
export const adminPassword = "e2e-admin-password-5f0c";

// A second cluster, given to the server as a kubeconfig: nothing listens on
// its port until a test starts a `pilothouse sim` there.
const secondPort = Number((process.env.PILOTHOUSE_E2E_SECOND_PORT ??= String(port + 2)));
const secondKubeconfig = path.join(dataDir, "second-kubeconfig.yaml");
fs.writeFileSync(
  secondKubeconfig,
  `apiVersion: v1
kind: Config
clusters:
- name: second
  cluster: {server: "http://127.0.0.1:${secondPort}"}
users:
- name: second
  user: {}
contexts:
- name: second
  context: {cluster: second, user: second}
current-context: second
`,
);

// A second server speaks HTTPS directly, with a certificate made here by
// the openssl CLI (nothing downloaded), and its own data directory.
const tlsPort = Number(process.env.PILOTHOUSE_E2E_TLS_PORT ?? 3198);
const tlsDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pilothouse-e2e-tls-"));
const tlsCert = path.join(tlsDataDir, "..", `${path.basename(tlsDataDir)}-cert.pem`);
const tlsKey = path.join(tlsDataDir, "..", `${path.basename(tlsDataDir)}-key.pem`);
execFileSync("openssl", [
  "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
  "-keyout", tlsKey, "-out", tlsCert, "-days", "1", "-subj", "/CN=127.0.0.1",
  "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
], { stdio: "ignore" });
const serverEnv = {
  PILOTHOUSE_ADMIN_PASSWORD: adminPassword,
  PILOTHOUSE_LOG: "warn",
  // Browser tests log in many times from one address.
  PILOTHOUSE_LOGIN_ATTEMPTS_PER_MINUTE: "50",
};

// Debian's Chromium on a machine without the internet: the flags keep it
// from flooding the closed network (shared with the benchmarks' scripts).
const chromiumArgs: string[] = JSON.parse(fs.readFileSync(path.join(__dirname, "chromium-args.json"), "utf8"));

export default defineConfig({
  testDir: "./tests",
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "off",
    locale: "en-US",
  },
  projects: [
    {
      name: "chromium",
      testIgnore: /(no-js|https)\.spec\.ts/,
      use: {
        browserName: "chromium",
        launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: chromiumArgs },
      },
    },
    {
      name: "chromium-no-js",
      testMatch: /no-js\.spec\.ts/,
      use: {
        browserName: "chromium",
        javaScriptEnabled: false,
        launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: chromiumArgs },
      },
    },
    {
      name: "chromium-https",
      testMatch: /https\.spec\.ts/,
      use: {
        browserName: "chromium",
        baseURL: `https://127.0.0.1:${tlsPort}`,
        // The certificate is made for this run; no browser trusts it.
        ignoreHTTPSErrors: true,
        launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: chromiumArgs },
      },
    },
  ],
  webServer: [
    {
      command:
        `"${binary}" serve --listen 127.0.0.1:${port} --data-dir "${dataDir}" --site-root "${siteRoot}" ` +
        `--embedded on --kubeconfig "${secondKubeconfig}"`,
      url: `http://127.0.0.1:${port}/readyz`,
      timeout: 60_000,
      reuseExistingServer: false,
      env: serverEnv,
    },
    {
      command:
        `"${binary}" serve --listen 127.0.0.1:${tlsPort} --data-dir "${tlsDataDir}" --site-root "${siteRoot}" ` +
        `--tls-cert "${tlsCert}" --tls-key "${tlsKey}" --embedded off`,
      url: `https://127.0.0.1:${tlsPort}/readyz`,
      ignoreHTTPSErrors: true,
      timeout: 60_000,
      reuseExistingServer: false,
      env: serverEnv,
    },
  ],
});
