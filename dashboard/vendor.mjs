// Copies the chart library from node_modules into static/vendor/, named by its version so the
// server may cache it for a year, with its licence and notice, and writes their SHA256SUMS (a test
// checks them). Run `npm ci && npm run vendor` after changing the version in package.json, update
// the <script> in static/index.html, and commit static/vendor/.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";

const pkg = JSON.parse(readFileSync("node_modules/echarts/package.json", "utf8"));
const out = "static/vendor";
mkdirSync(out, { recursive: true });
for (const name of readdirSync(out)) rmSync(`${out}/${name}`);
const sums = [];
function copy(from, to) {
  copyFileSync(`node_modules/${from}`, `${out}/${to}`);
  sums.push(`${createHash("sha256").update(readFileSync(`${out}/${to}`)).digest("hex")}  ${to}`);
}
// The "common" build: bar, line, pie, grid, tooltip, legend, aria; a third smaller than the full one.
const file = `echarts-${pkg.version}.common.min.js`;
copy("echarts/dist/echarts.common.min.js", file);
copy("echarts/LICENSE", "echarts-LICENSE.txt");
copy("echarts/NOTICE", "echarts-NOTICE.txt");
writeFileSync(`${out}/SHA256SUMS`, sums.sort((a, b) => a.slice(66).localeCompare(b.slice(66))).join("\n") + "\n");
console.log(`vendored ${file}: reference it as vendor/${file} in static/index.html`);
