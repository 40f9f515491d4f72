import { expect, test } from "@playwright/test";
import { logIn, waitForHydration } from "./helpers";
import { ensureLoadPods, expectTotal, kubectl, kubectlApply, open, row, simFault } from "./cluster-helpers";

test.describe("live clusters", () => {
  test("first run: sign in and the Overview shows the embedded cluster", async ({ page }) => {
    await logIn(page);
    await expect(page).toHaveURL(/\/c\/embedded\/overview$/);
    await expect(page.getByTestId("nodes-ready-control-plane")).toHaveText("1");
    await expect(page.getByTestId("nodes-ready-worker")).toHaveText("3");
    await expect(page.getByTestId("nodes-notready-worker")).toHaveText("0");
    await expect(page.getByTestId("current-cluster")).toHaveText("embedded");
    await expect(page.getByTestId("cluster-picker").locator(".state-badge").first()).toHaveAttribute("data-state", "connected");
    await page.goto("/c/embedded/k/deployments.apps?namespace=demo");
    await expect(row(page, "web")).toBeVisible();
  });

  test("a pod created with kubectl walks through its init containers live", async ({ page }) => {
    await open(page, "/c/embedded/k/pods?namespace=demo&filter=walker");
    await expectTotal(page, 0);
    const seen = new Set<string>();
    kubectlApply(`
apiVersion: v1
kind: Pod
metadata:
  name: walker
  namespace: demo
  annotations:
    sim.pilothouse.dev/init-seconds: "4"
    sim.pilothouse.dev/pull-seconds: "1"
spec:
  initContainers:
  - {name: first, image: busybox}
  - {name: second, image: busybox}
  containers:
  - {name: main, image: nginx}
`);
    const status = row(page, "walker").locator("td").nth(2);
    await expect
      .poll(
        async () => {
          const text = (await status.textContent({ timeout: 1000 }).catch(() => "")) ?? "";
          if (text) seen.add(text);
          return text;
        },
        { timeout: 40_000, intervals: [100] },
      )
      .toBe("Running");
    for (const state of ["Init:0/2", "Init:1/2", "PodInitializing", "Running"]) {
      expect([...seen], `saw ${[...seen]}`).toContain(state);
    }
    kubectl("delete", "pod", "walker", "-n", "demo", "--grace-period=0", "--wait=false");
    await expectTotal(page, 0);
  });

  test("scaling a deployment with kubectl shows six pods without a reload", async ({ page }) => {
    await open(page, "/c/embedded/k/pods?namespace=demo&selector=app%3Dweb");
    await page.evaluate(() => ((window as any).__noReload = true));
    kubectl("scale", "deploy", "web", "-n", "demo", "--replicas=6");
    await expectTotal(page, 6);
    kubectl("scale", "deploy", "web", "-n", "demo", "--replicas=3");
    await expectTotal(page, 3);
    expect(await page.evaluate(() => (window as any).__noReload)).toBe(true);
  });

  test("a stopped node turns NotReady on the Nodes page and the Overview", async ({ page }) => {
    await open(page, "/c/embedded/k/nodes");
    const status = row(page, "worker-3").locator("td").nth(1);
    await expect(status).toHaveText("Ready");
    simFault("stop-node", "worker-3");
    try {
      await expect(status).toHaveText(/NotReady|Unknown/, { timeout: 60_000 });
      await page.getByRole("navigation").getByRole("link", { name: "Overview" }).click();
      await expect(page.getByTestId("nodes-notready-worker")).toHaveText("1");
    } finally {
      simFault("start-node", "worker-3");
    }
    await expect(page.getByTestId("nodes-notready-worker")).toHaveText("0", { timeout: 60_000 });
  });

  test("the myapp-pod page shows its init containers in order, its node and events", async ({ page }) => {
    await open(page, "/c/embedded/k/pods/demo/myapp-pod");
    const init = page.locator('ol.containers[data-kind="init"] > li');
    await expect(init).toHaveCount(2);
    await expect(init.nth(0)).toHaveAttribute("data-container", "init-myservice");
    await expect(init.nth(1)).toHaveAttribute("data-container", "init-mydb");
    await expect(page.locator('ol.containers[data-kind="app"] > li').first()).toHaveAttribute("data-container", "myapp-container");
    await expect(page.getByTestId("pod-node")).toHaveText(/worker-\d|control-plane/);
    await expect(page.getByTestId("no-owner")).toBeVisible();
    await expect(page.getByTestId("object-yaml")).toContainText("init-myservice");
    await expect(page.getByTestId("object-yaml")).not.toContainText("managedFields");
  });

  test("a kind of 2,000 pods: first page, bounded DOM, sorting and filtering on the server", async ({ page }) => {
    test.setTimeout(240_000);
    ensureLoadPods();
    await open(page, "/c/embedded/k/pods?namespace=load");
    await expectTotal(page, 2000);
    const rows = page.locator("table.rows-table tbody tr");
    await expect(rows).toHaveCount(100);
    const domNodes = await page.evaluate(() => document.getElementsByTagName("*").length);
    expect(domNodes).toBeLessThanOrEqual(1400);

    const names = async () => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-name") ?? ""));
    const first = await names();
    expect([...first].sort()).toEqual(first);
    await page.locator('th[data-column="name"] a').click();
    await expect.poll(async () => (await names())[0]).not.toBe(first[0]);
    const descending = await names();
    expect([...descending].sort().reverse()).toEqual(descending);

    await page.goto("/c/embedded/k/pods?namespace=load&sort=-age");
    await waitForHydration(page);
    await expect(rows).toHaveCount(100);

    const target = first[7];
    await page.getByTestId("list-filter").fill(target);
    await page.getByRole("button", { name: "Apply" }).click();
    await expectTotal(page, 1);
    await expect(row(page, target)).toBeVisible();

    await page.goto("/c/embedded/k/pods?namespace=load&selector=shard%3D3");
    await waitForHydration(page);
    await expectTotal(page, 200);
    const shard = await rows.evaluateAll((trs) => trs.length);
    expect(shard).toBe(100);
  });

  test("a list works from the keyboard: / filters, arrows move through rows, Enter opens one", async ({ page }) => {
    await open(page, "/c/embedded/k/pods?namespace=demo");
    const links = page.locator("table.rows-table tbody tr a.row-link");
    await expect(links.first()).toBeVisible();
    await page.locator("main").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("/");
    await expect(page.getByTestId("list-filter")).toBeFocused();
    await page.keyboard.type("myapp");
    await page.keyboard.press("Enter");
    await expectTotal(page, 1);
    await expect(page).toHaveURL(/filter=myapp/);
    // Out of the filter, the arrows walk the rows' links.
    await page.locator("main").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("ArrowDown");
    await expect(links.first()).toBeFocused();
    await expect(links.first()).toHaveText("myapp-pod");
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/c\/embedded\/k\/pods\/demo\/myapp-pod$/);

    await page.goto("/c/embedded/k/pods?namespace=demo");
    await waitForHydration(page);
    await expect(links.nth(1)).toBeVisible();
    await page.locator("main").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await expect(links.nth(1)).toBeFocused();
    await page.keyboard.press("ArrowUp");
    await expect(links.first()).toBeFocused();
  });

  test("every kind kubectl lists has the count kubectl gives", async ({ page }) => {
    test.setTimeout(180_000);
    kubectlApply(`
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.e2e.example.com}
spec:
  group: e2e.example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`);
    await expect
      .poll(() => kubectl("api-resources", "--verbs=list", "-o", "name").includes("widgets.e2e.example.com"))
      .toBe(true);
    kubectlApply(`
apiVersion: e2e.example.com/v1
kind: Widget
metadata: {name: gizmo, namespace: demo}
---
apiVersion: e2e.example.com/v1
kind: Widget
metadata: {name: gadget, namespace: demo}
`);
    await open(page, "/c/embedded/kinds");
    // Kinds are rediscovered every 15 s (or at once when a page asks for one).
    await expect
      .poll(async () => {
        await page.reload();
        return page.locator('li[data-kind="widgets.e2e.example.com"]').count();
      }, { timeout: 40_000 })
      .toBe(1);
    const kinds = kubectl("api-resources", "--verbs=list", "-o", "name").trim().split("\n");
    expect(kinds.length).toBeGreaterThan(20);
    const count = (kind: string) =>
      kubectl("get", kind, "-A", "--no-headers", "--ignore-not-found").split("\n").filter((l) => l.trim()).length;
    for (const kind of kinds) {
      // Events keep coming: compare until both sides agree.
      await expect
        .poll(async () => {
          const response = await page.request.get(`/api/v1/clusters/embedded/resources/${kind}?limit=1`);
          expect(response.status(), kind).toBe(200);
          const ours = (await response.json()).total;
          return ours === count(kind) ? "same" : `${ours} vs ${count(kind)}`;
        }, { message: kind, timeout: 20_000 })
        .toBe("same");
    }
    await page.goto("/c/embedded/k/widgets.e2e.example.com?namespace=demo");
    await expectTotal(page, 2);
    await expect(row(page, "gizmo")).toBeVisible();
  });

  test("markup in annotations is shown as text and breaks no policy", async ({ page }) => {
    const violations: string[] = [];
    await page.exposeFunction("reportViolation", (v: string) => violations.push(v));
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => (window as any).reportViolation(e.violatedDirective));
    });
    const hostile = "<img src=x onerror=alert(1)>";
    kubectlApply(`
apiVersion: v1
kind: ConfigMap
metadata:
  name: hostile
  namespace: demo
  labels: {note: "x"}
  annotations:
    note: "${hostile}"
    long: "${"长".repeat(3000)}"
data: {k: "${hostile}"}
`);
    await open(page, "/c/embedded/k/configmaps/demo/hostile");
    await expect(page.getByTestId("annotations")).toContainText(hostile);
    await expect(page.locator("img[src=x]")).toHaveCount(0);
    expect(violations).toEqual([]);
    kubectl("delete", "configmap", "hostile", "-n", "demo");
  });

  test("every interface string is translated in zh-CN", async ({ page }) => {
    await open(page, "/c/embedded/overview");
    await page.getByTestId("language-switch").selectOption("zh-CN");
    await expect(page.getByRole("navigation").getByRole("link", { name: "概览" })).toBeVisible();
    await expect.poll(async () => {
      await page.reload();
      return page.getByRole("navigation").getByRole("link", { name: "概览" }).count();
    }).toBe(1);
    // Names of Kubernetes kinds and a few acronyms stay as they are in Chinese text.
    const allowed =
      /^(Pod|pod|IP|CPU|YAML|Pilothouse|embedded|Enter|Kubernetes|Deployment|StatefulSet|DaemonSet|ReplicaSet|Job|CronJob|Service|ConfigMap|Secret|Ingress|Endpoints|EndpointSlice|Node|Namespace)$/;
    try {
    for (const target of ["/c/embedded/overview", "/c/embedded/k/pods?namespace=demo", "/c/embedded/k/pods/demo/myapp-pod"]) {
      await page.goto(target);
      await waitForHydration(page);
      const labels = await page
        .locator("main h1:not([data-testid=object-name]), main h2, main h3, main th, main label span, main dt, main button, nav.sidenav a, section:not(.detail-page) > p.lead, .list-status > span")
        .allInnerTexts();
      for (const label of labels) {
        const words = label.match(/[A-Za-z]{2,}/g) ?? [];
        for (const word of words) expect(word, `"${label}" on ${target}`).toMatch(allowed);
      }
    }
    } finally {
      // Back to English for the other tests (the choice is kept per user).
      await page.goto("/c/embedded/overview");
      await waitForHydration(page);
      await page.getByTestId("language-switch").selectOption("en");
      await expect(page.getByRole("navigation").getByRole("link", { name: "Overview" })).toBeVisible();
      await expect.poll(async () => {
        await page.reload();
        return page.getByRole("navigation").getByRole("link", { name: "Overview" }).count();
      }).toBe(1);
    }
  });
});
