// A small helper to build elements without innerHTML or inline styles.

/**
 * h("a", {href: "?x", class: "link", on: {click: fn}}, "text", child) builds an element. Attributes
 * go through setAttribute (never "style"); null, undefined and false leave an attribute out.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value == null || value === false) continue;
    if (key === "on") {
      for (const [event, fn] of Object.entries(value)) el.addEventListener(event, fn);
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (key === "text") {
      el.textContent = value;
    } else if (key === "style") {
      throw new Error("no inline styles: use a class");
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/**
 * A status region that screen readers announce: one short sentence (set with replace or
 * textContent), never a whole list. visible: false keeps it for screen readers only.
 */
export function statusLine(id, { visible = false, className = "" } = {}) {
  return h("p", { id, class: visible ? className || null : `sr-only ${className}`.trim(), role: "status" });
}

/**
 * Gives the focus to the row at index of the table in container (the first row that "Xem thêm"
 * brought), so that a keyboard user goes on from there: its first link, else the row itself.
 */
export function focusRow(container, index) {
  const row = container.querySelectorAll("table tbody tr")[index];
  if (!row) return false;
  const target = row.querySelector("a[href], button:not([disabled])") || row;
  if (target === row) row.setAttribute("tabindex", "-1");
  target.focus();
  return true;
}

const focusable = 'a[href], button:not([disabled]), textarea:not([disabled]), input:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * Keeps Tab and Shift+Tab inside a modal dialog: from its last control Tab goes to its first, and
 * back (a modal <dialog> alone lets the focus out to the page's body).
 */
export function trapFocus(dialog) {
  dialog.addEventListener("keydown", (e) => {
    if (e.key !== "Tab") return;
    const items = [...dialog.querySelectorAll(focusable)].filter((x) => x.offsetParent !== null || x === document.activeElement);
    if (items.length === 0) return;
    const first = items[0];
    const last = items[items.length - 1];
    if (e.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (document.activeElement === last || !dialog.contains(document.activeElement))) {
      e.preventDefault();
      first.focus();
    }
  });
}

/** Replaces the element's children. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}
