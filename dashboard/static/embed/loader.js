// hotro's embed.js, the one line a portal page adds to show a chart:
//
//   <script src="https://HOTRO/embed.js" data-chart="wards" data-measure="peopleSupported"
//           data-lang="vi" data-theme="light" data-title="1" async></script>
//
// puts an iframe of https://HOTRO/embed/wards?measure=peopleSupported&… where the script stands (or
// into the element whose id is data-target) and keeps the iframe as tall as the chart, which
// posts its height. Every script on a page manages its own iframe. Nothing else is touched.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var keys = ["program", "group", "ward", "district", "from", "to", "measure", "bucket", "lang", "theme", "title", "full", "exp", "sig"];
  var names = {
    vi: { wards: "Biểu đồ chi trả hỗ trợ theo phường, xã", groups: "Biểu đồ chi trả hỗ trợ theo nhóm đối tượng",
      timeseries: "Biểu đồ chi trả hỗ trợ theo thời gian", kpi: "Số liệu chi trả hỗ trợ",
      table: "Bảng số liệu chi trả hỗ trợ theo phường, xã", pipeline: "Tiến độ chi trả hỗ trợ",
      kpis: "Chi trả hỗ trợ: số tiền, số người, số phường, xã", map: "Bản đồ chi trả hỗ trợ theo phường, xã" },
    en: { wards: "Support paid by ward", groups: "Support paid by group", timeseries: "Support paid over time",
      kpi: "Support payment figure", table: "Table of support paid by ward", pipeline: "Support payment progress",
      kpis: "Support paid: amount, people, wards", map: "Map of support paid by ward" },
  };
  var heights = { kpi: 140, kpis: 180, table: 1200, wards: 940, groups: 320, timeseries: 420, pipeline: 420, map: 1350 };

  var base = new URL(".", script.src);
  var origin = base.origin;
  var data = script.dataset;
  var chart = Object.prototype.hasOwnProperty.call(heights, data.chart) ? data.chart : "wards";
  var lang = data.lang === "en" ? "en" : "vi";
  var query = new URLSearchParams();
  keys.forEach(function (k) {
    if (data[k] != null && data[k] !== "") query.set(k, data[k]);
  });
  var search = query.toString().replace(/%2C/g, ",");

  var frame = document.createElement("iframe");
  frame.src = new URL("embed/" + chart + (search ? "?" + search : ""), base).href;
  frame.title = data.label || names[lang][chart];
  frame.loading = "lazy";
  frame.setAttribute("loading", "lazy");
  frame.style.display = "block";
  frame.style.width = "100%";
  frame.style.border = "0";
  frame.style.height = heights[chart] + "px";

  var loaded = false;
  window.addEventListener("message", function (event) {
    // Only the chart in this script's own frame, from hotro, sets its height.
    if (event.origin !== origin || event.source !== frame.contentWindow) return;
    var m = event.data;
    if (!m || m.type !== "hotro:embed") return;
    loaded = true;
    if (typeof m.height === "number" && m.height > 0 && m.height < 20000) frame.style.height = Math.ceil(m.height) + "px";
    if (!data.label && typeof m.title === "string" && m.title) frame.title = m.title.slice(0, 200);
    if (typeof m.state === "string") frame.setAttribute("data-hotro-state", m.state.slice(0, 20));
  });

  // A browser does not lay out a frame out of sight until it comes into view, so the chart cannot
  // see its own width change there (a phone turned, a window resized): when the frame's width
  // changes, ask the chart to measure itself now.
  var width = 0;
  if (window.ResizeObserver) {
    new ResizeObserver(function () {
      var w = frame.clientWidth;
      if (w === width) return;
      width = w;
      if (loaded && frame.contentWindow) frame.contentWindow.postMessage({ type: "hotro:measure", width: w }, origin);
    }).observe(frame);
  }

  var target = data.target ? document.getElementById(data.target) : null;
  if (target) target.appendChild(frame);
  else script.parentNode.insertBefore(frame, script.nextSibling);
})();
