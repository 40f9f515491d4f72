import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect, Page, test } from "@playwright/test";
import { kubectlApply, kubectl, open, simFault, startSecondSim } from "./cluster-helpers";

/** The PlantUML jar the Rust tests use (installed by setup). */
const plantumlJar = process.env.PLANTUML_JAR ?? path.resolve(__dirname, "../../.tools/plantuml/plantuml.jar");

/** The host frame of `node` in the topology diagram. */
function host(page: Page, node: string) {
  return page.getByTestId("diagram-canvas").locator("g.boundary-host").filter({
    has: page.locator("title", { hasText: new RegExp(`^${node}$`) }),
  });
}

/** Every export link under the diagram, downloaded with the page's session. */
async function exportsOf(page: Page, panel: string): Promise<Map<string, Buffer>> {
  const links = page.getByTestId(panel).getByTestId("diagram-exports").locator("a[download]");
  const out = new Map<string, Buffer>();
  for (const link of await links.all()) {
    const format = (await link.getAttribute("data-format"))!;
    const response = await page.request.get((await link.getAttribute("href"))!);
    expect(response.status(), format).toBe(200);
    expect(response.headers()["content-disposition"], format).toMatch(/^attachment; filename="[\w.-]+"$/);
    out.set(format, await response.body());
  }
  return out;
}

/** Renders PlantUML sources with the real jar; fails on any error image. */
function renderWithPlantUml(sources: Map<string, Buffer>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pilothouse-puml-"));
  const files = [...sources].map(([name, source]) => {
    const file = path.join(dir, `${name}.puml`);
    fs.writeFileSync(file, source);
    return file;
  });
  execFileSync("java", ["-Djava.awt.headless=true", "-jar", plantumlJar, "-tsvg", "-charset", "UTF-8", ...files], {
    stdio: "pipe",
  });
  for (const name of sources.keys()) {
    const svg = fs.readFileSync(path.join(dir, `${name}.svg`), "utf8");
    for (const broken of ["Syntax Error", "Some diagram description contains errors", "Error line", "Cannot find"]) {
      expect(svg, `${name}: ${broken}`).not.toContain(broken);
    }
  }
}

test.describe("diagrams", () => {
  test("the topology shows the control plane with its components and three workers", async ({ page }) => {
    await open(page, "/c/embedded/topology");
    const canvas = page.getByTestId("diagram-canvas");
    await expect(canvas.locator("svg")).toBeVisible();
    await expect(canvas.locator("g.boundary-host")).toHaveCount(4);
    const controlPlane = await canvas.locator("svg").textContent();
    for (const part of ["k8s master", "etcd", "api server", "controller manager", "scheduler"]) {
      expect(controlPlane).toContain(part);
    }
    for (const worker of ["worker-1", "worker-2", "worker-3"]) {
      await expect(host(page, worker)).toHaveCount(1);
    }
    // Each worker holds a kubelet and a kube-proxy; the tainted control
    // plane runs no workloads, so it has neither.
    await expect(canvas.locator('g[id^="ph-kubelet_worker_"]')).toHaveCount(3);
    await expect(canvas.locator('g[id^="ph-kube_proxy_worker_"]')).toHaveCount(3);
    await expect(page.getByTestId("diagram-legend")).toBeVisible();
  });

  test("a stopped worker turns NotReady in the diagram without a reload", async ({ page }) => {
    await open(page, "/c/embedded/topology");
    await expect(host(page, "worker-2")).toHaveClass(/state-normal/);
    simFault("stop-node", "worker-2");
    try {
      await expect(host(page, "worker-2")).toHaveClass(/state-failed/, { timeout: 60_000 });
    } finally {
      simFault("start-node", "worker-2");
    }
    await expect(host(page, "worker-2")).toHaveClass(/state-normal/, { timeout: 60_000 });
  });

  test("a pod that ends moves no other pod of its host, live", async ({ page }) => {
    test.setTimeout(120_000);
    const pinned = (name: string) => `
apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: demo }
spec:
  nodeName: worker-3
  containers: [{ name: main, image: nginx }]
`;
    kubectlApply(pinned("slot-elder"));
    await open(page, "/c/embedded/topology");
    const canvas = page.getByTestId("diagram-canvas");
    const box = (name: string) => canvas.locator(`a[href="/c/embedded/k/pods/demo/${name}"] rect`).first();
    await expect(box("slot-elder")).toHaveCount(1, { timeout: 30_000 });
    kubectlApply(pinned("slot-younger"));
    await expect(box("slot-younger")).toHaveCount(1, { timeout: 30_000 });
    const at = async (name: string) => [await box(name).getAttribute("x"), await box(name).getAttribute("y")];
    const before = await at("slot-younger");
    try {
      kubectl("delete", "pod", "slot-elder", "-n", "demo", "--grace-period=0", "--force");
      await expect(box("slot-elder")).toHaveCount(0, { timeout: 30_000 });
      expect(await at("slot-younger")).toEqual(before);
    } finally {
      kubectl("delete", "pod", "slot-elder", "slot-younger", "-n", "demo", "--ignore-not-found", "--grace-period=0", "--force");
    }
  });

  test("clicking a pod in the topology opens its page", async ({ page }) => {
    await open(page, "/c/embedded/topology");
    await page.getByTestId("diagram-canvas").locator('a[href="/c/embedded/k/pods/demo/myapp-pod"]').click();
    await expect(page).toHaveURL(/\/c\/embedded\/k\/pods\/demo\/myapp-pod$/);
    await expect(page.getByTestId("object-name")).toHaveText("myapp-pod");
  });

  test("zoom and fit from the keyboard", async ({ page }) => {
    await open(page, "/c/embedded/topology");
    const canvas = page.getByTestId("diagram-canvas");
    await expect(canvas).toHaveClass(/fit/);
    await canvas.focus();
    await page.keyboard.press("+");
    await expect(canvas).not.toHaveClass(/fit/);
    await expect(canvas.locator(".diagram-zoom")).toHaveAttribute("data-zoom", "1.25");
    await expect(canvas.locator(".diagram-zoom")).toHaveCSS("zoom", "1.25");
    await page.keyboard.press("0");
    await expect(canvas).toHaveClass(/fit/);
  });

  test("dragging with the mouse pans the diagram and opens nothing", async ({ page }) => {
    await open(page, "/c/embedded/topology");
    const canvas = page.getByTestId("diagram-canvas");
    await canvas.focus();
    // From fit, three steps up: 1.25, 1.5, 2.
    for (let i = 0; i < 3; i++) await page.keyboard.press("+");
    await expect(canvas.locator(".diagram-zoom")).toHaveAttribute("data-zoom", "2");
    const scroll = () => canvas.evaluate((el) => [el.scrollLeft, el.scrollTop]);
    // Start the drag on a pod's link: a drag must not open it.
    const pod = canvas.locator('a[href="/c/embedded/k/pods/demo/myapp-pod"]');
    await pod.scrollIntoViewIfNeeded();
    const box = (await pod.boundingBox())!;
    const start = await scroll();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 120, box.y + box.height / 2 - 60, { steps: 6 });
    await page.mouse.up();
    const after = await scroll();
    expect(after[0] - start[0]).toBeGreaterThan(60);
    expect(after[1] - start[1]).toBeGreaterThan(20);
    await expect(page).toHaveURL(/\/c\/embedded\/topology$/);
    // A plain click on the same box still opens the pod.
    await pod.click();
    await expect(page).toHaveURL(/\/c\/embedded\/k\/pods\/demo\/myapp-pod$/);
  });

  test("a single-node cluster is drawn as one host holding both roles", async ({ page }) => {
    test.setTimeout(120_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pilothouse-single-"));
    const sim = await startSecondSim(path.join(dir, "kubeconfig.yaml"), "--single-node");
    try {
      await open(page, "/c/second/topology");
      const picker = page.getByTestId("cluster-picker");
      await expect(picker.locator('li[data-cluster="second"]')).toHaveAttribute("data-state", "connected", { timeout: 30_000 });
      // The page may have been drawn before the gateway reached the cluster.
      await page.reload();
      const canvas = page.getByTestId("diagram-canvas");
      await expect(canvas.locator("g.boundary-host")).toHaveCount(1, { timeout: 30_000 });
      const only = canvas.locator("g.boundary-host");
      await expect(canvas.locator("g.element.role-master")).toHaveCount(1);
      await expect(canvas.locator("g.element.role-worker")).toHaveCount(1);
      const text = await canvas.locator("svg").textContent();
      for (const part of ["k8s master", "k8s worker", "etcd", "api server", "controller manager", "scheduler", "kubelet"]) {
        expect(text).toContain(part);
      }
      // Both roles sit inside the one host's frame.
      const frame = (await only.locator("rect").first().boundingBox())!;
      for (const role of ["role-master", "role-worker"]) {
        const b = (await canvas.locator(`g.element.${role} rect`).first().boundingBox())!;
        expect(b.x).toBeGreaterThanOrEqual(frame.x);
        expect(b.y).toBeGreaterThanOrEqual(frame.y);
        expect(b.x + b.width).toBeLessThanOrEqual(frame.x + frame.width);
        expect(b.y + b.height).toBeLessThanOrEqual(frame.y + frame.height);
      }
    } finally {
      sim.kill("SIGKILL");
    }
  });

  test("every export of the topology and of a pod renders in PlantUML, SVG parses, PNG decodes", async ({ page }) => {
    await open(page, "/c/embedded/topology");
    const topology = await exportsOf(page, "diagram-topology");
    await open(page, "/c/embedded/k/pods/demo/myapp-pod");
    const pod = await exportsOf(page, "diagram-pod");
    expect([...topology.keys()].sort()).toEqual(["dot", "mermaid", "plantuml", "png", "svg"]);
    renderWithPlantUml(new Map([["topology", topology.get("plantuml")!], ["pod", pod.get("plantuml")!]]));
    for (const exports of [topology, pod]) {
      const parsed = await page.evaluate((svg) => {
        const doc = new DOMParser().parseFromString(svg, "image/svg+xml");
        return doc.querySelector("parsererror") === null && doc.documentElement.nodeName === "svg";
      }, exports.get("svg")!.toString("utf8"));
      expect(parsed).toBe(true);
      const size = await page.evaluate(async (b64) => {
        const image = new Image();
        image.src = `data:image/png;base64,${b64}`;
        await image.decode();
        return image.naturalWidth;
      }, exports.get("png")!.toString("base64"));
      expect(size).toBeGreaterThan(100);
    }
  });

  test("a pod's anatomy shows its init containers in order and follows its containers live", async ({ page }) => {
    await open(page, "/c/embedded/k/pods/demo/myapp-pod");
    const text = await page.getByTestId("diagram-pod").locator("svg").textContent();
    const at = (name: string) => text!.indexOf(name);
    expect(at("init-myservice")).toBeGreaterThan(-1);
    expect(at("init-myservice")).toBeLessThan(at("init-mydb"));
    expect(at("init-mydb")).toBeLessThan(at("myapp-container"));

    kubectl("delete", "pod", "anatomy", "-n", "demo", "--ignore-not-found", "--wait=false");
    kubectlApply(`
apiVersion: v1
kind: Pod
metadata:
  name: anatomy
  namespace: demo
  annotations:
    sim.pilothouse.dev/init-seconds: "4"
    sim.pilothouse.dev/pull-seconds: "1"
spec:
  initContainers:
  - {name: first, image: busybox}
  containers:
  - {name: app, image: nginx}
`);
    await page.goto("/c/embedded/k/pods/demo/anatomy");
    const app = page.getByTestId("diagram-pod").locator('g.role-container[id*="app"]');
    await expect(app).toHaveClass(/state-pending/);
    await expect(app).toHaveClass(/state-normal/, { timeout: 60_000 });
    await expect(page.getByTestId("diagram-pod").locator('g.role-init-container[id*="first"]')).toHaveClass(/state-done/);
    kubectl("delete", "pod", "anatomy", "-n", "demo", "--wait=false");
  });

  test("zh-CN relabels the diagram", async ({ page }) => {
    await open(page, "/c/embedded/topology");
    await page.getByTestId("language-switch").selectOption("zh-CN");
    await expect(page.getByTestId("diagram-canvas").locator("svg")).toContainText("主机");
    await expect(page.getByTestId("diagram-legend")).toContainText("图例");
    // The PNG saved from the page speaks Chinese too: its link asks for
    // zh-CN and its pixels are not those of the English one.
    const png = page.getByTestId("diagram-exports").locator('a[data-format="png"]');
    await expect(png).toHaveAttribute("href", /lang=zh-CN/);
    const zh = await page.request.get((await png.getAttribute("href"))!);
    const en = await page.request.get((await png.getAttribute("href"))!.replace("lang=zh-CN", "lang=en"));
    expect(zh.headers()["content-type"]).toBe("image/png");
    const decoded = await page.evaluate(
      async ([a, b]) => {
        const pixels = async (b64: string) => {
          const image = new Image();
          image.src = `data:image/png;base64,${b64}`;
          await image.decode();
          const canvas = document.createElement("canvas");
          [canvas.width, canvas.height] = [image.naturalWidth, image.naturalHeight];
          const context = canvas.getContext("2d")!;
          context.drawImage(image, 0, 0);
          return context.getImageData(0, 0, canvas.width, canvas.height).data;
        };
        const [zh, en] = [await pixels(a), await pixels(b)];
        let differ = zh.length !== en.length;
        for (let i = 0; !differ && i < zh.length; i++) differ = zh[i] !== en[i];
        return { width: zh.length, differ };
      },
      [(await zh.body()).toString("base64"), (await en.body()).toString("base64")],
    );
    expect(decoded.width).toBeGreaterThan(0);
    expect(decoded.differ).toBe(true);
    await page.getByTestId("language-switch").selectOption("en");
  });
});
