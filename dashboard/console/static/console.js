// Boots GraphiQL on hotro's GraphQL endpoint, with the example analyst queries as tabs and as a
// sidebar list ("Truy vấn mẫu"). Loaded after React, ReactDOM and GraphiQL (vendor/); no inline code.
(function () {
  "use strict";

  var h = React.createElement;
  var useEditorContext = GraphiQL.React.useEditorContext;

  function meta(name, fallback) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return (el && el.content) || fallback;
  }
  var endpoint = meta("hotro-graphql-endpoint", "/graphql");
  var base = meta("hotro-console-base", "/graphiql");
  // The one style GraphiQL writes itself (the scroll lock of its dialogs) takes its nonce from this
  // global, so that the page's policy lets it in (react-remove-scroll-bar reads it).
  window.__webpack_nonce__ = meta("hotro-style-nonce", undefined);

  // The CSRF token the server sets once sign-in exists; sent back in a header on every request.
  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)hotro_csrf=([^;]*)/);
    return m ? decodeURIComponent(m[1]) : null;
  }

  // fetcher posts each operation to the same-origin endpoint, with the session cookie and the CSRF
  // header. A reply that is not JSON (a proxy's error page) becomes a GraphQL error to read.
  function fetcher(params, opts) {
    var headers = { "Content-Type": "application/json", Accept: "application/json" };
    var extra = (opts && opts.headers) || {};
    Object.keys(extra).forEach(function (k) { headers[k] = extra[k]; });
    var token = csrfToken();
    if (token && !headers["X-CSRF-Token"]) {
      headers["X-CSRF-Token"] = token;
    }
    return fetch(endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: headers,
      body: JSON.stringify(params),
    }).then(function (res) {
      return res.text().then(function (text) {
        try {
          return JSON.parse(text);
        } catch (e) {
          return { errors: [{ message: "Máy chủ trả lời " + res.status + " " + res.statusText + ", không phải JSON.", extensions: { code: "HTTP_" + res.status } }] };
        }
      });
    });
  }

  function sameQuery(a, b) {
    return (a || "").trim() === (b || "").trim();
  }

  // useOpenExample returns open(example): show the tab that holds the example unchanged, or open a
  // new tab with it. The new tab's text is set once GraphiQL has switched to it.
  function useOpenExample() {
    var editor = useEditorContext({ nonNull: true });
    var pendingState = React.useState(null);
    var pending = pendingState[0], setPending = pendingState[1];
    React.useEffect(function () {
      if (!pending || !editor.queryEditor) return;
      if (editor.tabs.length > pending.tabCount && editor.activeTabIndex === editor.tabs.length - 1) {
        editor.queryEditor.setValue(pending.query);
        setPending(null);
      }
    });
    return function open(example) {
      var i = editor.tabs.findIndex(function (t) { return sameQuery(t.query, example.query); });
      if (i >= 0) {
        if (i !== editor.activeTabIndex) editor.changeTab(i);
        return;
      }
      setPending({ query: example.query, tabCount: editor.tabs.length });
      editor.addTab();
    };
  }

  function makeExamplesPanel(examples) {
    return function ExamplesPanel() {
      var editor = useEditorContext({ nonNull: true });
      var open = useOpenExample();
      var active = editor.tabs[editor.activeTabIndex];
      // GraphiQL leaves the tab bar where it was: bring the active tab into view.
      React.useEffect(function () {
        var tab = document.querySelector(".graphiql-tab-active");
        if (tab) tab.scrollIntoView({ block: "nearest", inline: "nearest" });
      }, [editor.activeTabIndex, editor.tabs.length]);
      return h("section", { className: "hotro-examples", "aria-labelledby": "hotro-examples-title" },
        h("h2", { id: "hotro-examples-title", className: "graphiql-doc-explorer-title" }, "Truy vấn mẫu"),
        h("p", { className: "hotro-intro" },
          "Bấm một truy vấn để mở, rồi bấm ▶ (hoặc Ctrl+Enter) để chạy. Ý nghĩa của từng trường, số đo: biểu tượng Tài liệu (Docs) ở trên cùng bên trái, kiểu Totals."),
        h("ul", null, examples.map(function (ex) {
          var current = !!active && sameQuery(active.query, ex.query);
          return h("li", { key: ex.name },
            h("button", {
              type: "button",
              "data-example": ex.name,
              "aria-current": current ? "true" : "false",
              onClick: function () { open(ex); },
            },
            h("span", { className: "hotro-title" }, ex.title),
            ex.description ? h("span", { className: "hotro-desc" }, ex.description) : null));
        })),
        h("p", { className: "hotro-intro" },
          "Tải số liệu về dạng bảng: ",
          h("a", { href: "/export/stats.xlsx?groupBy=WARD" }, "Excel"), ", ",
          h("a", { href: "/export/stats.csv?groupBy=WARD" }, "CSV"),
          " (cùng tham số với truy vấn stats)."));
    };
  }

  // A list with a star: the examples, told apart from GraphiQL's own Docs (book) and History icons.
  function ExamplesIcon() {
    return h("svg", { viewBox: "0 0 24 24", width: "1em", height: "1em", fill: "none", stroke: "currentColor", strokeWidth: 1.5, strokeLinecap: "round", "aria-hidden": "true" },
      h("path", { d: "M9 6h11M9 12h11M9 18h11" }),
      h("path", { d: "M4 4.5l.6 1.2 1.3.2-1 .9.3 1.3L4 7.5l-1.2.6.3-1.3-1-.9 1.3-.2z" }),
      h("circle", { cx: 4, cy: 12, r: 1 }),
      h("circle", { cx: 4, cy: 18, r: 1 }));
  }

  // Brand sits where GraphiQL shows its logo, with who is signed in; it also opens the example
  // named in ?example=NAME.
  function makeBrand(examples, me) {
    return function Brand() {
      var editor = useEditorContext({ nonNull: true });
      var open = useOpenExample();
      var done = React.useRef(false);
      React.useEffect(function () {
        if (done.current || !editor.queryEditor) return;
        done.current = true;
        var name = new URLSearchParams(window.location.search).get("example");
        var ex = examples.find(function (e) { return e.name === name; });
        if (ex) open(ex);
      });
      return h("span", { className: "hotro-brand" },
        h("a", { href: "/", title: "Về trang chính của hotro" }, "hotro"),
        h("span", null, "Truy vấn số liệu"),
        me ? h("span", { className: "hotro-user", title: "Đang đăng nhập" }, "· " + (me.displayName || me.username)) : null);
    };
  }

  var welcome =
    "# Viết truy vấn GraphQL ở đây: Ctrl+Space để gợi ý, Ctrl+Enter để chạy.\n" +
    "# Các truy vấn mẫu: biểu tượng danh sách có ngôi sao ở thanh bên trái.\n" +
    "{\n  dataset { demo version }\n}\n";

  // notSignedIn says why queries fail for a visitor: the API runs only the dashboard's own queries,
  // without the schema, for people who have not signed in.
  function notSignedIn() {
    var el = document.getElementById("hotro-notice");
    el.textContent = "Bạn chưa đăng nhập. Bảng truy vấn dành cho cán bộ phân tích, lãnh đạo và cán bộ phường/xã: ";
    var a = document.createElement("a");
    a.href = "/?page=signin";
    a.textContent = "đăng nhập ở trang chính";
    el.appendChild(a);
    el.appendChild(document.createTextNode(", rồi quay lại trang này."));
    el.hidden = false;
  }

  function boot(examples, me) {
    if (me === null) notSignedIn();
    var plugin = { title: "Truy vấn mẫu", icon: ExamplesIcon, content: makeExamplesPanel(examples) };
    var Brand = makeBrand(examples, me);
    keepMended(document.getElementById("graphiql"));
    var root = ReactDOM.createRoot(document.getElementById("graphiql"));
    root.render(h(GraphiQL, {
      fetcher: fetcher,
      storage: GraphiQL.createLocalStorage({ namespace: "hotro-console" }),
      defaultQuery: welcome,
      defaultTabs: examples.map(function (ex) { return { query: ex.query }; }),
      plugins: [plugin],
      visiblePlugin: plugin,
      defaultEditorToolsVisibility: false,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
    }, h(GraphiQL.Logo, null, h(Brand))));
  }

  // GraphiQL's markup, mended where it is not accessible (WCAG 2.1 AA): run after every render, it
  // changes only what differs, so that React and this never fight.
  //  - its interface is English: marked lang="en" inside the Vietnamese page; hotro's own parts vi;
  //  - the editors' hidden text areas get a name;
  //  - the tabs are tab buttons inside tab roles (a control in a control): the strip is a group of
  //    buttons instead, the open one marked aria-current.
  var editorNames = [
    [".graphiql-query-editor textarea", "Truy vấn GraphQL"],
    [".graphiql-response textarea", "Kết quả truy vấn (chỉ đọc)"],
  ];
  function set(el, name, value) {
    if (value === null) {
      if (el.hasAttribute(name)) el.removeAttribute(name);
    } else if (el.getAttribute(name) !== value) {
      el.setAttribute(name, value);
    }
  }
  function mend(root) {
    var container = root.querySelector(".graphiql-container");
    if (!container) return;
    set(container, "lang", "en");
    root.querySelectorAll(".hotro-brand, .hotro-examples").forEach(function (el) { set(el, "lang", "vi"); });
    editorNames.forEach(function (pair) {
      root.querySelectorAll(pair[0]).forEach(function (ta) {
        set(ta, "aria-label", pair[1]);
        set(ta, "lang", "vi");
      });
    });
    // An editor's scroller is a Tab stop (a keyboard scrolls it), named after its editor.
    root.querySelectorAll(".CodeMirror-scroll").forEach(function (scroller) {
      var ta = scroller.parentNode.querySelector("textarea");
      set(scroller, "tabindex", "0");
      set(scroller, "role", "group");
      set(scroller, "aria-label", ((ta && ta.getAttribute("aria-label")) || "Trình soạn") + ": cuộn");
      set(scroller, "lang", "vi");
    });
    // The variables' editor comes first in the tools, the headers' second.
    root.querySelectorAll(".graphiql-editor-tool > .graphiql-editor").forEach(function (tool, i) {
      var ta = tool.querySelector("textarea");
      if (ta) {
        set(ta, "aria-label", i === 0 ? "Biến của truy vấn (JSON)" : "Tiêu đề HTTP (JSON)");
        set(ta, "lang", "vi");
      }
    });
    root.querySelectorAll("ul.graphiql-tabs").forEach(function (ul) {
      set(ul, "role", "group");
      set(ul, "aria-label", "Các truy vấn đang mở");
      set(ul, "lang", "vi");
    });
    root.querySelectorAll("li.graphiql-tab").forEach(function (li) {
      var active = li.classList.contains("graphiql-tab-active");
      set(li, "role", "none");
      set(li, "aria-selected", null);
      var button = li.querySelector(".graphiql-tab-button");
      if (button) {
        set(button, "aria-controls", null);
        set(button, "aria-current", active ? "true" : null);
        set(button, "lang", "en");
      }
    });
  }
  // Tab leaves an editor, as everywhere else (CodeMirror would indent with it: a keyboard trap,
  // WCAG 2.1.2); the Prettify button (Shift+Ctrl+P) indents. With the completion list open, Tab
  // still picks a completion.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Tab" || e.ctrlKey || e.altKey || e.metaKey) return;
    if (!(e.target instanceof Element) || !e.target.closest(".CodeMirror")) return;
    if (document.querySelector(".CodeMirror-hints")) return;
    e.stopPropagation(); // CodeMirror's own handler never sees it; the browser moves the focus
  }, true);

  function keepMended(el) {
    var queued = false;
    new MutationObserver(function () {
      if (queued) return;
      queued = true;
      Promise.resolve().then(function () { queued = false; mend(el); });
    }).observe(el, { subtree: true, childList: true, attributes: true, attributeFilter: ["role", "aria-selected", "class", "lang", "aria-label"] });
    mend(el);
  }

  function fail(message) {
    var el = document.getElementById("graphiql");
    el.textContent = "";
    var p = document.createElement("p");
    p.className = "hotro-loading";
    p.setAttribute("role", "alert");
    p.textContent = message;
    el.appendChild(p);
  }

  // Who is signed in: the account, null when nobody is, undefined when the server has no sign-in.
  function whoAmI() {
    return fetch("/auth/me", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (res) {
        if (res.status === 401) return null;
        return res.ok ? res.json() : undefined;
      }, function () { return undefined; });
  }

  var loadExamples = fetch(base + "/examples.json", { credentials: "same-origin" }).then(function (res) {
    if (!res.ok) throw new Error("HTTP " + res.status);
    return res.json();
  });
  Promise.all([loadExamples, whoAmI()])
    .then(function (v) { boot(v[0], v[1]); })
    .catch(function (err) {
      fail("Không mở được bảng truy vấn (" + err.message + "). Hãy tải lại trang.");
    });
})();
