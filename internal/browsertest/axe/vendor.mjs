// Copies axe-core from node_modules into vendor/, named by its version, with its licence, and
// writes their SHA256SUMS (a test checks them). Run `npm ci && npm run vendor` after changing the
// version in package.json, update the file name in axe.go, and commit vendor/ (never
// node_modules/). VENDOR.md says more.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";

const pkg = JSON.parse(readFileSync("node_modules/axe-core/package.json", "utf8"));
const out = "vendor";
mkdirSync(out, { recursive: true });
for (const name of readdirSync(out)) rmSync(`${out}/${name}`);
const sums = [];
function copy(from, to) {
  copyFileSync(`node_modules/${from}`, `${out}/${to}`);
  sums.push(`${createHash("sha256").update(readFileSync(`${out}/${to}`)).digest("hex")}  ${to}`);
}
const file = `axe-core-${pkg.version}.min.js`;
copy("axe-core/axe.min.js", file);
copy("axe-core/LICENSE", "axe-core-LICENSE.txt");
copy("axe-core/LICENSE-3RD-PARTY.txt", "axe-core-LICENSE-3RD-PARTY.txt");
writeFileSync(`${out}/SHA256SUMS`, sums.sort((a, b) => a.slice(66).localeCompare(b.slice(66))).join("\n") + "\n");
console.log(`vendored ${file}: reference it in axe.go`);
