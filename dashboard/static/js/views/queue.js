// The queue page ("Việc cần làm"): the lists and lines waiting for a step the signed-in role takes,
// by ward, oldest first, with how long they have waited. A list whose lines all wait for the step
// opens the step dialog here; any other opens on the lists or ward page. Returned lines, which wait
// to be corrected rather than for a step, follow for the roles that return lines.

import { query } from "../api.js";
import { h, replace, statusLine } from "../dom.js";
import { formatDate, formatNumber, formatVND } from "../format.js";
import { lang, nameOf, t, word } from "../i18n.js";
import { pageTitle } from "../pages.js";
import { fromFor, movable, openStepDialog, refusal, stepDoneNotice, stepsFor } from "../workflow.js";

/** The most items the page shows; the count in the header and the page's summary count them all. */
const pageSize = 200;

/** Builds the queue page into main; resolves once the queue is shown (or why it is not). */
export async function queuePage(main, ctx) {
  const { user } = ctx;
  pageTitle(main, "queue");
  const message = h("div", { id: "queue-message", class: "lists-message", role: "status", "aria-live": "polite" });
  const body = h("div", { id: "queue-body" });
  const shown = statusLine("queue-status");
  main.append(h("p", { class: "intro" }, t(`queueRole_${user.role}`)), message, shown, body);

  const load = async () => {
    body.setAttribute("aria-busy", "true");
    try {
      const data = await query("WorkQueue", { first: pageSize });
      if (!ctx.isCurrent()) return;
      ctx.setQueueCount?.(data.workQueue.totalCount);
      show(data.workQueue, data.workflowRules);
    } catch (err) {
      if (!ctx.isCurrent()) return;
      replace(body, h("div", { class: "notice notice-refused", id: "queue-failed", role: "alert", dataset: { code: err.code || err.kind } }, refusal(err)));
    } finally {
      body.setAttribute("aria-busy", "false");
    }
  };

  const show = (queue, rules) => {
    const l = lang();
    const parts = [];
    if (!queue.items.length) {
      parts.push(h("p", { class: "notice notice-ok", id: "queue-empty" }, t("queueEmpty")));
    } else {
      parts.push(h("p", { class: "queue-summary", id: "queue-count", dataset: { count: String(queue.totalCount), lines: String(queue.lines) } },
        t("queueCount", { n: formatNumber(queue.totalCount, l), lines: formatNumber(queue.lines, l) }),
        queue.items.length < queue.totalCount ? ` ${t("queueShown", { n: formatNumber(queue.items.length, l) })}` : ""));
      parts.push(byWard(queue.items).map(([ward, items]) => h("section", { class: "queue-ward", dataset: { ward: ward.code }, "aria-labelledby": `queue-ward-${ward.code}` },
        h("h2", { id: `queue-ward-${ward.code}` }, nameOf(ward, l), h("span", { class: "queue-ward-count" }, ` · ${t("queueWardCount", { n: formatNumber(items.length, l) })}`)),
        h("ul", { class: "queue-items" }, items.map((item) => waitingItem(item, rules))))));
    }
    if (queue.returned.length) {
      parts.push(h("section", { class: "queue-returned", id: "queue-returned", "aria-labelledby": "queue-returned-title" },
        h("h2", { id: "queue-returned-title" }, t("queueReturnedTitle")),
        h("p", { class: "note" }, t("queueReturnedNote")),
        h("ul", { class: "queue-items" }, queue.returned.map(returnedItem))));
    }
    shown.textContent = queue.items.length ? t("queueCount", { n: formatNumber(queue.totalCount, l), lines: formatNumber(queue.lines, l) }) : t("queueEmpty");
    replace(body, parts);
  };

  /** One list (or the lines of a ward and group without a list) waiting for a step. */
  const waitingItem = (item, rules) => {
    const l = lang();
    const b = item.batch;
    const id = b ? `queue-batch-${b.id}-${item.status}` : `queue-${item.ward.code}-${item.group.code}-${item.status}`;
    let action;
    if (b && stepsFor(rules, user.role, b).includes(item.step)) {
      const { lines, amount, active } = movable(b);
      action = h("button", {
        type: "button", class: "button queue-step", dataset: { step: item.step, batch: b.id },
        "aria-label": t("stepButtonLabel", { step: word("step", item.step), n: formatNumber(lines, l), id: b.id }),
        on: {
          click: (e) => openStepDialog({
            batch: b, step: item.step, to: rules.find((r) => r.step === item.step).to,
            from: active.map((s) => s.status).filter((s) => fromFor(rules, item.step, user.role).includes(s)), lines, amount,
            opener: e.currentTarget,
            onDone: async (result) => {
              ctx.dataChanged();
              replace(message, stepDoneNotice(result, b.id));
              await load();
              document.getElementById("page-title")?.focus();
            },
            onRefused: (err) => {
              if (err.code === "CONFLICT" || err.code === "NOT_FOUND") load(); // the list changed: show it as it is now
            },
          }),
        },
      }, t("queueStepButton", { step: t(`stepButton_${item.step}`), n: formatNumber(lines, l) }));
    } else if (b) {
      // Its lines are at different steps: they are chosen on the lists page.
      action = h("a", { class: "button-small queue-open", href: ctx.hrefFor({ page: "lists", wards: [item.ward.code], groups: [item.group.code] }), dataset: { nav: "" },
        title: t("queueMixed") }, t("queueChooseLines"));
    } else {
      action = h("a", { class: "button-small queue-open", dataset: { nav: "" },
        href: ctx.hrefFor({ page: "ward", ward: item.ward.code, groups: [item.group.code], statuses: [item.status], program: "", funds: [], wards: [], from: "", to: "" }) }, t("queueOpenLines"));
    }
    return h("li", { class: "queue-item", id, dataset: { batch: b?.id || "", step: item.step, status: item.status, lines: String(item.lines), days: String(item.waitingDays) } },
      h("div", { class: "queue-head" },
        h("h3", {}, nameOf(item.group, l), h("span", { class: "batch-ward" }, b ? ` — ${t("queueBatch", { id: b.id })}` : ` — ${t("queueNoBatch")}`)),
        h("p", { class: "queue-wait" }, h("strong", {}, waited(item.waitingDays, l)))),
      h("p", { class: "queue-what" },
        h("span", { class: `chip chip-${item.status.toLowerCase()}` }, word("status", item.status)), " ",
        t("queueLines", { n: formatNumber(item.lines, l), amount: formatVND(item.amount, l) }), " · ",
        t(`queueSince_${item.status}`, { date: formatDate(item.since) })),
      h("div", { class: "queue-actions" }, action));
  };

  const returnedItem = (item) => {
    const l = lang();
    const b = item.batch;
    return h("li", { class: "queue-item queue-item-returned", dataset: { batch: b?.id || "", status: item.status, lines: String(item.lines), days: String(item.waitingDays) } },
      h("div", { class: "queue-head" },
        h("h3", {}, nameOf(item.group, l), h("span", { class: "batch-ward" }, ` — ${nameOf(item.ward, l)}${b ? ` · ${t("queueBatch", { id: b.id })}` : ""}`)),
        h("p", { class: "queue-wait" }, waited(item.waitingDays, l))),
      h("p", { class: "queue-what" },
        h("span", { class: "chip chip-returned" }, word("status", "RETURNED")), " ",
        t("queueLines", { n: formatNumber(item.lines, l), amount: formatVND(item.amount, l) }), " · ",
        t("queueSince_RETURNED", { date: formatDate(item.since) })),
      h("div", { class: "queue-actions" },
        h("a", { class: "button-small queue-open", dataset: { nav: "" },
          href: b ? ctx.hrefFor({ page: "lists", wards: [item.ward.code], groups: [item.group.code] })
          : ctx.hrefFor({ page: "ward", ward: item.ward.code, groups: [item.group.code], statuses: ["RETURNED"], program: "", funds: [], wards: [], from: "", to: "" }) },
        b ? t("queueOpenList") : t("queueOpenLines"))));
  };

  await load();
}

/** The items by ward, each ward where its oldest item falls (the items come oldest first). */
function byWard(items) {
  const wards = new Map();
  for (const item of items) {
    if (!wards.has(item.ward.code)) wards.set(item.ward.code, [item.ward, []]);
    wards.get(item.ward.code)[1].push(item);
  }
  return [...wards.values()];
}

/** "chờ 12 ngày", or "từ hôm nay". */
function waited(days, l) {
  return days > 0 ? t("queueWaited", { n: formatNumber(days, l) }) : t("queueToday");
}
