// Copies the chart library from node_modules into static/vendor/, named by its version so the
// server may cache it for a year. Run `npm ci && npm run vendor` after changing the version in
// package.json, update the <script> in static/index.html, and commit static/vendor/.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";

const pkg = JSON.parse(readFileSync("node_modules/echarts/package.json", "utf8"));
const out = "static/vendor";
mkdirSync(out, { recursive: true });
for (const name of readdirSync(out)) {
  if (name.startsWith("echarts")) rmSync(`${out}/${name}`);
}
// The "common" build: bar, line, pie, grid, tooltip, legend, aria; a third smaller than the full one.
const file = `echarts-${pkg.version}.common.min.js`;
copyFileSync("node_modules/echarts/dist/echarts.common.min.js", `${out}/${file}`);
copyFileSync("node_modules/echarts/LICENSE", `${out}/echarts-LICENSE.txt`);
copyFileSync("node_modules/echarts/NOTICE", `${out}/echarts-NOTICE.txt`);
console.log(`vendored ${file}: reference it as vendor/${file} in static/index.html`);
