// The "embed on the portal" dialog: builds the one-line script (and a plain iframe) that shows the
// current view's figures as an embedded chart on the city portal, with a live preview.

import { h, replace, trapFocus } from "./dom.js";
import { describeFilters } from "./filters.js";
import { lang, t } from "./i18n.js";
import { filterOf } from "./state.js";

export const EMBED_CHARTS = ["wards", "groups", "timeseries", "kpi", "table", "kpis", "map"];
const MEASURES = ["amountPaid", "peopleSupported", "beneficiaries"];
// Public charts come by week or month (the release tables have no days).
const BUCKETS = ["WEEK", "MONTH"];
// A first height for the plain iframe, which cannot follow its content.
const FRAME_HEIGHTS = { wards: 940, groups: 340, timeseries: 420, kpi: 150, table: 1250, kpis: 190, map: 1400 };

/**
 * The embed parameters of a view: its filter (programme, groups, wards, paid from/to) and the
 * chart's options, in a fixed order. Funds and statuses have no embed parameter: dropped lists them.
 */
export function embedParams(state, chart, { measure, bucket, chartLang, theme, title }) {
  const filter = filterOf(state, state.program);
  const params = [];
  if (filter.programs) params.push(["program", filter.programs.join(",")]);
  if (filter.groups) params.push(["group", filter.groups.join(",")]);
  if (filter.wards) params.push(["ward", filter.wards.join(",")]);
  if (filter.paidFrom) params.push(["from", filter.paidFrom]);
  if (filter.paidTo) params.push(["to", filter.paidTo]);
  if (chart !== "kpis") params.push(["measure", measure]); // the KPI strip shows every measure
  if (chart === "timeseries") params.push(["bucket", bucket]);
  params.push(["lang", chartLang], ["theme", theme], ["title", title ? "1" : "0"]);
  const dropped = [filter.funds && "funds", filter.statuses && "statuses"].filter(Boolean);
  return { params, dropped };
}

function escapeAttr(value) {
  return String(value).replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** The snippets for a chart: the script for the portal, the plain iframe, and the page's URL. */
export function embedCode(base, chart, params, frameTitle) {
  const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v).replaceAll("%2C", ",")}`).join("&");
  const url = `${base}embed/${chart}${query ? "?" + query : ""}`;
  const attrs = [["src", `${base}embed.js`], ["data-chart", chart], ...params.map(([k, v]) => [`data-${k}`, v])];
  const script = `<script ${attrs.map(([k, v]) => `${k}="${escapeAttr(v)}"`).join(" ")} async></script>`;
  const iframe = `<iframe src="${escapeAttr(url)}" title="${escapeAttr(frameTitle)}" loading="lazy" width="100%" ` +
    `height="${FRAME_HEIGHTS[chart]}" style="border:0"></iframe>`;
  return { script, iframe, url };
}

function select(id, label, options, value, onChange) {
  return h("div", { class: "field" },
    h("label", { for: id }, label),
    h("select", { id, on: { change: (e) => onChange(e.target.value) } },
      options.map(([v, text, attrs = {}]) => h("option", { value: v, selected: v === value, ...attrs }, text))));
}


/**
 * Opens the dialog for the view state, with chart chosen first; opener gets the focus back when it
 * closes. meta (the filter options) names the filters; minCount is the public threshold.
 */
export function openEmbedDialog({ state, meta, chart = "wards", opener = null, minCount = 5 }) {
  document.getElementById("embed-dialog")?.remove();
  const base = new URL("./", location.href).href;
  const choice = { chart: EMBED_CHARTS.includes(chart) ? chart : "wards", measure: "amountPaid", bucket: state.bucket === "MONTH" ? "MONTH" : "WEEK",
    chartLang: lang(), theme: "light", title: true };

  const scriptBox = h("textarea", { id: "embed-script", readonly: true, rows: "4", spellcheck: "false" });
  const iframeBox = h("textarea", { id: "embed-iframe", readonly: true, rows: "3", spellcheck: "false" });
  const status = h("p", { id: "embed-status", class: "embed-status", role: "status", "aria-live": "polite" });
  // The preview is a picture of the result: not focusable, not clickable.
  const preview = h("iframe", { id: "embed-preview", class: "embed-preview-frame", inert: true, tabindex: "-1" });
  // The preview scrolls when the chart is taller than the dialog: a Tab stop (so that a keyboard can
  // scroll it), named after its heading.
  const previewBox = h("div", { class: "embed-preview", tabindex: "0", role: "region", "aria-labelledby": "embed-preview-heading" }, preview);
  const fields = h("div", { class: "embed-fields" });
  const dropped = h("p", { class: "note", id: "embed-dropped", hidden: true }, t("embedFiltersDropped"));

  async function copy(box, button) {
    let ok = false;
    try {
      await navigator.clipboard.writeText(box.value);
      ok = true;
    } catch {
      box.focus();
      box.select();
      ok = document.execCommand("copy");
      button.focus();
    }
    replace(status, ok ? t("embedCopied") : t("embedCopyFailed"));
  }
  const copyButton = (box, what) => {
    const button = h("button", { type: "button", class: "button-small", dataset: { copy: box.id }, "aria-label": t("embedCopyLabel", { what }) }, t("embedCopy"));
    button.addEventListener("click", () => copy(box, button));
    return button;
  };

  function update() {
    const { params, dropped: lost } = embedParams(state, choice.chart, choice);
    const frameTitle = t(`embedFrameTitle_${choice.chart}`, {}, choice.chartLang);
    const code = embedCode(base, choice.chart, params, frameTitle);
    scriptBox.value = code.script;
    iframeBox.value = code.iframe;
    dropped.hidden = lost.length === 0;
    preview.title = t("embedPreviewTitle", { title: frameTitle });
    previewBox.className = `embed-preview theme-${choice.theme}`;
    if (preview.getAttribute("src") !== code.url) {
      preview.dataset.state = "loading";
      preview.src = code.url;
    }
    replace(status);
    renderFields();
  }
  const set = (key) => (value) => {
    choice[key] = value;
    update();
  };

  function renderFields() {
    const focused = document.activeElement?.id;
    replace(fields,
      select("embed-chart", t("embedChart"), EMBED_CHARTS.map((c) => [c, t(`embedChart_${c}`)]), choice.chart, set("chart")),
      choice.chart === "kpis" ? null
        : select("embed-measure", t("embedMeasure"), MEASURES.map((m) => [m, t(`measure_${m}`)]), choice.measure, set("measure")),
      choice.chart === "timeseries"
        ? select("embed-bucket", t("bucket"), BUCKETS.map((b) => [b, t(`bucket_${b}`)]), choice.bucket, set("bucket"))
        : null,
      select("embed-lang", t("embedLang"), [["vi", "Tiếng Việt", { lang: "vi" }], ["en", "English", { lang: "en" }]], choice.chartLang, set("chartLang")),
      select("embed-theme", t("embedTheme"), ["light", "dark"].map((v) => [v, t(`theme_${v}`)]), choice.theme, set("theme")),
      h("div", { class: "field field-check" },
        h("label", { class: "check" },
          h("input", { type: "checkbox", id: "embed-title", checked: choice.title, on: { change: (e) => set("title")(e.target.checked) } }),
          t("embedShowTitle"))),
    );
    if (focused) document.getElementById(focused)?.focus();
  }

  const closeTop = h("button", { type: "button", class: "button-small", id: "embed-close", "aria-label": t("close") }, "×");
  const closeBottom = h("button", { type: "button", class: "button", id: "embed-done" }, t("close"));
  const dialog = h("dialog", { id: "embed-dialog", class: "dialog", "aria-labelledby": "embed-heading", "aria-describedby": "embed-intro" },
    h("div", { class: "dialog-head" }, h("h2", { id: "embed-heading" }, t("embedTitle")), closeTop),
    h("div", { class: "dialog-body" },
      h("div", { class: "embed-settings" },
        h("p", { id: "embed-intro", class: "embed-intro" }, t("embedIntro", { n: minCount })),
        originCheck(meta?.dataset?.portalOrigins),
        fields,
        meta ? h("p", { class: "context", id: "embed-filters" }, describeFilters(state, meta, state.program)) : null,
        dropped,
        h("div", { class: "embed-code" },
          h("label", { for: "embed-script" }, t("embedScript")), scriptBox, copyButton(scriptBox, t("embedScript"))),
        h("div", { class: "embed-code" },
          h("label", { for: "embed-iframe" }, t("embedIframe")), iframeBox, copyButton(iframeBox, t("embedIframe"))),
        status),
      h("div", { class: "embed-preview-wrap" },
        h("h3", { id: "embed-preview-heading" }, t("embedPreview")), previewBox)),
    h("div", { class: "dialog-foot" }, closeBottom),
  );

  // The preview posts its height, as it does to embed.js on the portal.
  const onMessage = (e) => {
    if (e.origin !== location.origin || e.source !== preview.contentWindow || e.data?.type !== "hotro:embed") return;
    if (typeof e.data.height === "number" && e.data.height > 0) preview.style.height = `${Math.ceil(e.data.height)}px`;
    if (typeof e.data.state === "string") preview.dataset.state = e.data.state;
  };
  window.addEventListener("message", onMessage);

  // Tab and Shift+Tab stay in the dialog; Escape closes it (the browser's "cancel").
  trapFocus(dialog);
  const close = () => dialog.close();
  closeTop.addEventListener("click", close);
  closeBottom.addEventListener("click", close);
  dialog.addEventListener("close", () => {
    window.removeEventListener("message", onMessage);
    dialog.remove();
    if (opener?.isConnected) opener.focus();
    else document.getElementById("embed-open")?.focus();
  });

  document.body.append(dialog);
  update();
  dialog.showModal();
  document.getElementById("embed-chart").focus();
  return dialog;
}

/** The origin of an address an editor typed ("thainguyencity.gov.vn/tin-tuc" too), or null. */
export function originOf(address) {
  const text = (address || "").trim();
  if (!text) return null;
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
    return url.protocol === "https:" || url.protocol === "http:" ? url.origin : null;
  } catch {
    return null;
  }
}

/**
 * The origins allowed to embed (from the API), and a field where an editor types the portal's
 * address to learn whether it is one of them.
 */
function originCheck(origins) {
  if (!origins) return null;
  const answer = h("p", { id: "embed-origin-answer", class: "embed-status", role: "status", "aria-live": "polite" });
  const check = (e) => {
    const text = e.target.value;
    const origin = originOf(text);
    answer.textContent = !text.trim() ? "" : !origin ? t("embedOriginInvalid")
      : origins.includes(origin) ? t("embedOriginAllowed", { origin }) : t("embedOriginRefused", { origin });
    answer.dataset.allowed = origin && origins.includes(origin) ? "true" : "false";
  };
  return h("div", { class: "embed-origins" },
    h("p", { id: "embed-origins" }, origins.length ? t("embedOrigins", { origins: origins.join(", ") }) : t("embedOriginsNone")),
    h("div", { class: "field" },
      h("label", { for: "embed-origin" }, t("embedOriginCheck")),
      h("input", { id: "embed-origin", type: "url", inputmode: "url", autocomplete: "url", placeholder: "https://", "aria-describedby": "embed-origin-answer",
        on: { input: check } })),
    answer);
}
