// Hostile page content in a browser: pages whose title, body and front matter
// carry <script>, event handlers (onerror=, onload=) and javascript: links are
// indexed and searched; the JSON, the search page (web/index.html) and the
// search box (web/medsearch.js) must show them as inert text.
//
//   node tests/browser/hostile.mjs --medsearch build/cli/medsearch [--chromium PATH]
//
// Checked in headless Chromium: no dialog opens, no injected script runs (it
// would set window.__pwned), no element from a page's text appears, and every
// link is http(s) or relative. Exits 0 only if all pass.
import { chromium } from "playwright-core";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const DEADLINE_MS = 60_000;  // hard stop: never hang CI
const STEP_MS = 8_000;

const args = { chromium: process.env.CHROMIUM || "/usr/bin/chromium" };
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];
if (!args.medsearch) {
  console.error("usage: node hostile.mjs --medsearch PATH [--chromium PATH]");
  process.exit(2);
}

// Each payload sets window.__pwned and opens a dialog if it ever runs.
const run = (n) => `window.__pwned=${n};alert(${n})`;
const PAGES = {
  "z/zolpidem.md": `---
title: "Zolpidem <img src=x onerror=\\"${run(1)}\\">"
description: "<script>${run(2)}</script>"
image: "javascript:${run(3)}"
---
# Zolpidem <img src=x onerror="${run(1)}">

**Usage:** Zolpidem treats insomnia. <script>${run(4)}</script>

### Side Effects
Zolpidem may cause drowsiness <img src=x onerror="${run(5)}"> and <svg onload="${run(6)}"></svg> dizziness.
[Read more](javascript:${run(7)}) or <a href="javascript:${run(8)}">here</a>.

### Dosage
Zolpidem javascript:${run(9)} "><script>${run(10)}</script> <iframe src="javascript:${run(11)}"></iframe>
`,
  "j/javascript-zolpidem.md": `---
title: "javascript:${run(12)} Zolpidem"
---
**Usage:** A zolpidem page whose title is a javascript: URL. <b onmouseover="${run(13)}">hover</b>
`,
  // A file name that is markup: its URL is percent-encoded.
  "i/<img src=x onerror=window.__pwned=14>.md": `---
title: Zolpidem Tartrate
---
**Usage:** Zolpidem tartrate, a page whose file name is markup.
`,
  "s/safe-zolpidem.md": `---
title: Safe Zolpidem
---
**Usage:** Zolpidem for sleep, plain text only.
`,
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () => new Promise((resolve, reject) => {
  const s = net.createServer();
  s.on("error", reject);
  s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
});
const get = (url) => new Promise((resolve, reject) => {
  http.get(url, { agent: false }, (res) => {
    let body = "";
    res.setEncoding("utf8");
    res.on("data", (d) => { body += d; });
    res.on("end", () => resolve({ status: res.statusCode, type: res.headers["content-type"], body }));
  }).on("error", reject);
});
async function until(fn, ok, message) {
  const end = Date.now() + STEP_MS;
  let value;
  for (;;) {
    try { value = await fn(); if (ok(value)) return value; } catch (e) { value = `(${e.message.split("\n")[0]})`; }
    if (Date.now() > end) throw new Error(`${message}; got ${JSON.stringify(value)}`);
    await sleep(50);
  }
}
function check(cond, message) { if (!cond) throw new Error(message); }
const safeLink = (href) => /^(https?:\/\/|\/(?!\/)|\?|#)/i.test(href) || !/^[a-z][a-z0-9+.-]*:/i.test(href);

async function main() {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "medsearch-hostile-"));
  let server, browser;
  const results = [];
  const cleanup = async () => {
    await browser?.close().catch(() => {});
    if (server && server.exitCode === null) server.kill("SIGKILL");
    rmSync(tmp, { recursive: true, force: true });
  };
  process.on("exit", () => { if (server && server.exitCode === null) server.kill("SIGKILL"); });
  const deadline = setTimeout(() => {
    console.log(`FAIL the hostile-content tests took longer than ${DEADLINE_MS / 1000} s`);
    cleanup().finally(() => process.exit(1));
  }, DEADLINE_MS);

  try {
    for (const [file, text] of Object.entries(PAGES)) {
      mkdirSync(path.join(tmp, "src", path.dirname(file)), { recursive: true });
      writeFileSync(path.join(tmp, "src", file), text);
    }
    const db = path.join(tmp, "index");
    const index = spawnSync(args.medsearch, ["-q", "index", "--source", path.join(tmp, "src"), "--db", db],
                            { encoding: "utf8", timeout: 30_000 });
    if (index.status !== 0) throw new Error(`medsearch index exited ${index.status}:\n${index.stderr}`);
    const port = await freePort();
    const api = `http://127.0.0.1:${port}`;
    server = spawn(args.medsearch, ["serve", "--db", db, "--listen", `127.0.0.1:${port}`, "--no-access-log"],
                   { stdio: "ignore" });
    await until(() => get(`${api}/healthz`).then((r) => r.status), (s) => s === 200, "medsearch serve did not start");

    async function scenario(name, body) {
      try {
        await body();
        results.push(true);
        console.log(`ok ${results.length} ${name}`);
      } catch (e) {
        results.push(false);
        console.log(`FAIL ${results.length} ${name}: ${e.message.split("\n")[0]}`);
      }
    }

    await scenario("the JSON carries page text as data: escaped snippets, relative URLs", async () => {
      for (const endpoint of ["search?q=zolpidem&limit=10", "search?q=zolpidem+side+effects", "suggest?q=zolp"]) {
        const r = await get(`${api}/${endpoint}`);
        check(r.status === 200, `${endpoint}: status ${r.status}`);
        check(/^application\/json/.test(r.type), `${endpoint}: Content-Type ${r.type}`);
        const body = JSON.parse(r.body);
        const items = body.hits ?? body.suggestions;
        const wanted = body.hits ? 3 : 1;  // completion starts with a name: only "Zolpidem <img ..." does
        check(items.length >= wanted, `${endpoint}: ${items.length} items, expected ${wanted}`);
        for (const item of items) {
          check(safeLink(item.url), `${endpoint}: url ${item.url}`);
          // Snippets are HTML: only <mark> may be markup in them.
          const markup = (item.snippet ?? "").replace(/<\/?mark>/g, "");
          check(!/[<>]/.test(markup), `${endpoint}: snippet has markup: ${item.snippet}`);
        }
      }
      const found = JSON.parse((await get(`${api}/search?q=zolpidem+insomnia`)).body).hits;
      check(found.some((h) => h.title.includes("<img src=x onerror=")),
            `the title is not kept as text: ${found.map((h) => h.title)}`);
      const named = JSON.parse((await get(`${api}/search?q=zolpidem+tartrate`)).body).hits
        .find((h) => h.title === "Zolpidem Tartrate");
      check(named && named.url === "/composition/i/%3Cimg%20src%3Dx%20onerror%3Dwindow.__pwned%3D14%3E/",
            `a file name that is markup is not percent-encoded in its URL: ${named && named.url}`);
    });

    browser = await chromium.launch({
      executablePath: args.chromium,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync"],
    });
    const context = await browser.newContext();
    context.setDefaultTimeout(STEP_MS);

    // Everything a hostile page could have planted, checked after each view.
    async function inert(page, dialogs, where) {
      check(dialogs.length === 0, `${where}: a dialog opened: ${dialogs[0]}`);
      check(await page.evaluate(() => window.__pwned) === undefined, `${where}: injected script ran`);
      const planted = await page.locator(".ms-results img, .ms-results svg, .ms-results iframe, .ms-results b, " +
                                         "[role=listbox] img, [role=listbox] svg, [role=listbox] iframe, " +
                                         ".ms-results script, [role=listbox] script").count();
      check(planted === 0, `${where}: ${planted} elements from page text`);
      const handlers = await page.evaluate(() => [...document.querySelectorAll("*")]
        .flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName} ${a.name}`)));
      check(handlers.length === 0, `${where}: event handler attributes: ${handlers.join(", ")}`);
      const hrefs = await page.locator("a[href]").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
      const bad = hrefs.filter((h) => !safeLink(h));
      check(bad.length === 0, `${where}: links that are not http(s) or relative: ${bad.join(" ")}`);
    }
    async function fresh(url) {
      const page = await context.newPage();
      const dialogs = [];
      page.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
      await page.goto(url);
      return { page, dialogs };
    }

    await scenario("the search page shows hostile titles and snippets as text", async () => {
      for (const q of ["zolpidem", "zolpidem side effects", "zolpidem dosage", "javascript"]) {
        const { page, dialogs } = await fresh(`${api}/?q=${encodeURIComponent(q)}`);
        const items = page.locator(".ms-results > li");
        await until(() => items.count(), (n) => n >= 1, `no results for ${q}`);
        await sleep(300);  // time for an onerror of a broken image to fire
        const titles = await items.locator("h2 a").allTextContents();
        if (q === "zolpidem")
          check(titles.some((t) => t.includes("<img src=x onerror=")), `titles not shown as text: ${titles}`);
        await items.first().locator("h2 a").hover();
        await inert(page, dialogs, `search page '${q}'`);
        await page.close();
      }
    });

    await scenario("the search box lists hostile pages as text, and opening one runs nothing", async () => {
      const { page, dialogs } = await fresh(`${api}/`);
      const input = page.locator("#q");
      await input.pressSequentially("zolp", { delay: 20 });
      const options = page.locator("[role=listbox] [role=option]");
      await until(() => options.count(), (n) => n >= 2, "no suggestions for 'zolp'");
      await sleep(300);
      const labels = await options.allTextContents();
      check(labels.some((t) => t.includes("<img src=x onerror=")), `suggestions not shown as text: ${labels}`);
      await options.first().hover();
      await inert(page, dialogs, "search box");
      await input.press("ArrowDown");
      await input.press("Enter");
      await sleep(300);
      check(!page.url().startsWith("javascript:"), `navigated to ${page.url()}`);
      check(dialogs.length === 0 && await page.evaluate(() => window.__pwned) === undefined,
            "opening a suggestion ran injected script");
      await page.close();
    });

    // An answer from a server that is not medsearch, or a tampered one: the
    // search page and the box link only to http(s) pages whatever URLs come.
    await scenario("URLs that are not web pages are never links", async () => {
      const bad = ["javascript:window.__pwned=20;alert(20)", "JaVaScRiPt:window.__pwned=21", " javascript:window.__pwned=22",
                   "data:text/html,<script>window.__pwned=23</script>", "vbscript:msgbox(24)"];
      const hit = (url, i) => ({ rank: i + 1, path: `x/${i}.md`, url, title: `Zolpidem ${i}`, score: 1, section: "usage",
                                 section_label: "Usage", snippet: "zolpidem", matched: ["text"] });
      const answers = {
        "/search": { query: "zolpidem", total: bad.length, took_ms: 0, corrected: null, expanded: [], intent: null,
                     partial: false, hits: bad.map(hit),
                     topic: { label: "Sleeping pills", kind: "class", members: bad.map((url, i) => ({ label: `M${i}`, url, path: "" })) } },
        "/suggest": { query: "zolp", took_ms: 0, corrected: null,
                      suggestions: bad.map((url, i) => ({ label: `Zolpidem ${i}`, detail: "", url, path: "", kind: "drug" })) },
      };
      const searchPage = (await get(`${api}/`)).body, script = (await get(`${api}/medsearch.js`)).body;
      const fake = http.createServer((req, res) => {
        const route = new URL(req.url, "http://x").pathname;
        const body = route === "/" ? searchPage : route === "/medsearch.js" ? script
                   : answers[route] ? JSON.stringify(answers[route]) : "";
        const type = route === "/" ? "text/html" : route === "/medsearch.js" ? "text/javascript" : "application/json";
        res.writeHead(body ? 200 : 404, { "Content-Type": type });
        res.end(body);
      });
      const fakePort = await freePort();
      await new Promise((r) => fake.listen(fakePort, "127.0.0.1", r));
      try {
        const { page, dialogs } = await fresh(`http://127.0.0.1:${fakePort}/?q=zolpidem`);
        const items = page.locator(".ms-results > li");
        await until(() => items.count(), (n) => n === bad.length, "the results were not shown");
        await inert(page, dialogs, "search page with hostile URLs");
        await items.first().locator("h2 a").click();
        await sleep(200);
        check(page.url().startsWith(`http://127.0.0.1:${fakePort}/`), `a click went to ${page.url()}`);
        const input = page.locator("#q");
        await input.fill("");
        await input.pressSequentially("zolp", { delay: 20 });
        const options = page.locator("[role=listbox] [role=option]");
        await until(() => options.count(), (n) => n >= bad.length, "no suggestions shown");
        await inert(page, dialogs, "search box with hostile URLs");
        await input.press("ArrowDown");
        await input.press("Enter");
        await sleep(300);
        check(dialogs.length === 0 && await page.evaluate(() => window.__pwned) === undefined,
              "opening a suggestion with a hostile URL ran script");
        await page.close();
      } finally {
        fake.close();
      }
    });
  } catch (e) {
    results.push(false);
    console.log(`FAIL setup: ${e.message}`);
  } finally {
    clearTimeout(deadline);
    await cleanup();
  }
  const failed = results.filter((r) => !r).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  process.exit(failed === 0 && results.length > 0 ? 0 : 1);
}

main();
