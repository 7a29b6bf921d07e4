// Copies GraphiQL and React from node_modules into static/vendor/, named by version so the server
// may cache them for a year, with each library's licence next to it. Run `npm ci && npm run vendor`
// after changing a version in package.json, update the <script>/<link> tags in static/index.html,
// and commit static/vendor/ (never node_modules/). VENDOR.md says more.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { createHash } from "node:crypto";

const out = "static/vendor";
mkdirSync(out, { recursive: true });
for (const name of readdirSync(out)) rmSync(`${out}/${name}`);

const version = (pkg) => JSON.parse(readFileSync(`node_modules/${pkg}/package.json`, "utf8")).version;
const sums = [];
function copy(from, to) {
  copyFileSync(`node_modules/${from}`, `${out}/${to}`);
  sums.push(`${createHash("sha256").update(readFileSync(`${out}/${to}`)).digest("hex")}  ${to}`);
}

const react = version("react"), reactDOM = version("react-dom"), graphiql = version("graphiql");
copy("react/umd/react.production.min.js", `react-${react}.production.min.js`);
copy("react/LICENSE", "react-LICENSE.txt");
copy("react-dom/umd/react-dom.production.min.js", `react-dom-${reactDOM}.production.min.js`);
copy("react-dom/LICENSE", "react-dom-LICENSE.txt");
copy("graphiql/graphiql.min.js", `graphiql-${graphiql}.min.js`);
copy("graphiql/graphiql.min.css", `graphiql-${graphiql}.min.css`);
copy("graphiql/LICENSE", "graphiql-LICENSE.txt");

// graphiql.min.js bundles graphql-js, CodeMirror 5, Radix UI and the rest of its dependency tree
// (everything but React). Collect their licences into one file beside it.
const seen = new Set();
const notices = [];
function collect(pkg) {
  if (seen.has(pkg) || pkg === "react" || pkg === "react-dom") return;
  seen.add(pkg);
  const dir = `node_modules/${pkg}`;
  if (!existsSync(`${dir}/package.json`)) return; // an optional dependency not installed
  const meta = JSON.parse(readFileSync(`${dir}/package.json`, "utf8"));
  if (pkg !== "graphiql") {
    const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
    const text = file ? readFileSync(`${dir}/${file}`, "utf8").trim() : `License: ${meta.license ?? "see package"}`;
    notices.push(`${pkg}@${meta.version} (${meta.license ?? "?"})\n\n${text}\n`);
  }
  for (const dep of Object.keys({ ...meta.dependencies, ...meta.peerDependencies })) collect(dep);
}
collect("graphiql");
notices.sort();
writeFileSync(`${out}/graphiql-THIRD-PARTY-LICENSES.txt`,
  `Licences of the packages bundled into graphiql-${graphiql}.min.js, as installed by npm ci from\n` +
  `dashboard/console/package-lock.json (the GraphiQL maintainers built the bundle; its exact versions may differ).\n\n` +
  notices.join("\n" + "-".repeat(78) + "\n\n"));
sums.push(`${createHash("sha256").update(readFileSync(`${out}/graphiql-THIRD-PARTY-LICENSES.txt`)).digest("hex")}  graphiql-THIRD-PARTY-LICENSES.txt`);
writeFileSync(`${out}/SHA256SUMS`, sums.sort((a, b) => a.slice(66).localeCompare(b.slice(66))).join("\n") + "\n");
console.log(`vendored graphiql ${graphiql}, react ${react}, react-dom ${reactDOM} into ${out}/`);
