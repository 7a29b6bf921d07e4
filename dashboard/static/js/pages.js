// The work pages (import, lists and approval, audit, supervision): which roles may open each, the header's links
// to them, and the page that says no, politely, to anyone else who reaches one.

import { h } from "./dom.js";
import { t } from "./i18n.js";

/** The roles that may open each work page; the API applies the same rules to every request. */
export const PAGE_ROLES = {
  queue: ["admin", "leader", "ward_officer"],
  import: ["admin", "ward_officer"],
  lists: ["admin", "leader", "ward_officer", "analyst", "supervisor"],
  audit: ["admin"],
  supervision: ["admin", "supervisor"],
  official: ["admin", "leader", "analyst"],
  feedback: ["admin", "ward_officer"],
};

/** Whether the signed-in user (null for a visitor) may open the page. */
export function mayOpen(user, page) {
  return Boolean(user && PAGE_ROLES[page]?.includes(user.role));
}

/**
 * The header's links: the overview, then each work page the user may open; the queue's link carries
 * the count of what waits (queueCount, null while unknown).
 */
export function pageLinks(user, current, queueCount = null) {
  const pages = Object.keys(PAGE_ROLES).filter((p) => mayOpen(user, p));
  if (!pages.length) return null;
  const badge = (page) => page !== "queue" || queueCount == null ? null
    : h("span", { class: `nav-count${queueCount ? "" : " nav-count-zero"}`, id: "queue-badge", dataset: { count: String(queueCount) }, title: t("queueBadge", { n: queueCount }) },
      h("span", { "aria-hidden": "true" }, String(queueCount)), h("span", { class: "sr-only" }, ` (${t("queueBadge", { n: queueCount })})`));
  const link = (page, href, label) =>
    h("a", { id: `nav-${page}`, href, dataset: { nav: "" }, "aria-current": current === page ? "page" : null }, label, badge(page));
  return h("nav", { class: "pages no-print", "aria-label": t("pagesNav") },
    link("overview", "./", t("navOverview")),
    pages.map((p) => link(p, `./?page=${p}`, t(`nav_${p}`))));
}

/**
 * Builds the refusal into main: the page's title, who may open it, and for a visitor a link to
 * sign in and come back.
 */
export function refusalPage(main, { page, user, signInHref }) {
  pageTitle(main, page);
  main.append(
    h("div", { class: "notice notice-refused", id: "refusal", role: "alert" },
      h("p", { class: "notice-title" }, t(`refused_${page}`)),
      h("p", {}, user ? t("refusedRole", { role: t(`role_${user.role}`) }) : t("refusedSignIn")),
      user ? h("a", { href: "./", dataset: { nav: "" } }, t("backToOverview"))
      : h("a", { class: "button", href: signInHref, dataset: { nav: "" } }, t("signIn"))),
  );
}

/** Puts a work page's heading into main and its name into the window's title. */
export function pageTitle(main, page) {
  main.append(h("h1", { id: "page-title", tabindex: "-1" }, t(`title_${page}`)));
  document.title = `${t("appTitle")} — ${t(`title_${page}`)}`;
}
