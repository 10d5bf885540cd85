/* medsearch search box: search-as-you-type for a medicine site.
 *
 * <script src="https://search.example.org/medsearch.js" data-endpoint="https://search.example.org" defer></script>
 * plus <input data-medsearch> or <div id="medsearch"></div> (the script creates the input).
 *
 * Options, as data- attributes on the script tag (an input or #medsearch may override them):
 *   data-endpoint     medsearch server; default: where this script came from
 *   data-site         base URL that result URLs are relative to; default: this page's origin
 *   data-search-page  page for all results (gets ?q=); default: the endpoint's "/"
 *   data-css="off"    do not load medsearch.css (the page styles the box itself)
 *   data-theme        "light", "dark" or "auto" (prefers-color-scheme); default: like the page
 *   data-limit        result snippets shown under the suggestions (default 5)
 * A page with an element [data-medsearch-results] is a full search page: Enter shows the
 * results there, with pages, and ?q=&page= in the address bar (the server's "/" page).
 */
(function () {
  "use strict";

  // Captured now: document.currentScript is only set while this file first runs.
  var script = document.currentScript || document.querySelector('script[src*="medsearch.js"]');
  var scriptUrl = new URL(script ? script.src : "medsearch.js", location.href);
  var defaults = script ? script.dataset : {};
  var DEBOUNCE_MS = 120, TIMEOUT_MS = 8000, PAGE_SIZE = 10;
  var widgets = [], counter = 0;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function trimSlash(s) { return s.replace(/\/+$/, ""); }

  function option(name, host) {
    var v = host && host.dataset[name];
    return v != null && v !== "" ? v : defaults[name];
  }

  // The server escapes snippets and marks matches with <mark>. Parse the snippet in an
  // inert document and rebuild it from text and <mark> only, so nothing else can get in.
  function snippet(html) {
    var box = el("span", "ms-snippet");
    var doc = document.implementation.createHTMLDocument("");
    // Line breaks between list items would run together: show them as separators.
    doc.body.innerHTML = (html || "").replace(/:\s*\n\s*/g, ": ").replace(/\s*\n\s*/g, " \u00b7 ");
    doc.body.childNodes.forEach(function (n) {
      box.appendChild(n.nodeName === "MARK" ? el("mark", "", n.textContent)
                                            : document.createTextNode(n.textContent));
    });
    return box;
  }

  // GET a JSON route; rejects on network errors, non-2xx answers and after TIMEOUT_MS.
  function getJson(base, route, params, signal) {
    var url = new URL(trimSlash(base) + route);
    Object.keys(params).forEach(function (k) {
      [].concat(params[k]).forEach(function (v) { url.searchParams.append(k, v); });
    });
    return fetch(url, { signal: signal, headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }

  function isTyping(t) {
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }

  // "/" and Ctrl/Cmd+K focus the first box, unless the user is typing somewhere else.
  document.addEventListener("keydown", function (e) {
    var w = widgets[0];
    if (!w || e.defaultPrevented || e.altKey || isTyping(e.target)) return;
    var slash = e.key === "/" && !e.ctrlKey && !e.metaKey;
    var k = (e.key === "k" || e.key === "K") && (e.ctrlKey || e.metaKey);
    if (!slash && !k) return;
    e.preventDefault();
    w.input.focus();
    w.input.select();
  });

  function Widget(input, host, page) {
    var self = this;
    var id = "medsearch-" + ++counter;
    this.input = input;
    this.endpoint = option("endpoint", host) || scriptUrl.origin;
    this.site = option("site", host) || location.origin;
    this.searchPage = option("searchPage", host) || trimSlash(this.endpoint) + "/";
    this.limit = +option("limit", host) || 5;
    // data-filter="route:topical kind:single": every search of this box is narrowed so.
    this.filters = (option("filter", host) || "").split(/\s+/).filter(Boolean);
    this.page = page;        // the results element on a full search page, else null
    this.items = [];         // [{el, url}] of the options shown
    this.active = -1;        // index into items, -1: none
    this.seq = 0;            // number of the latest query; older answers are dropped
    this.shown = "";         // the query whose answer is in the list
    this.pending = false;    // typed text not answered yet
    this.ctl = null;         // AbortController of the request in flight

    // Wrap the input so the popup can be positioned under it.
    var root = (this.root = el("div", "medsearch"));
    input.parentNode.insertBefore(root, input);
    root.appendChild(input);
    var theme = option("theme", host);
    if (theme) root.setAttribute("data-theme", theme);
    else {
      // Match the page rather than the system: a light site keeps a light list in dark mode.
      this.theme();
      matchMedia("(prefers-color-scheme: dark)").addEventListener("change", function () { self.theme(); });
    }

    var pop = (this.pop = el("div", "ms-popup"));
    pop.id = id + "-popup";
    pop.hidden = true;
    this.note = el("div", "ms-note");        // "did you mean", empty and error states
    this.list = el("div", "ms-list");
    this.list.id = id + "-list";
    this.list.setAttribute("role", "listbox");
    this.list.setAttribute("aria-label", "Search suggestions");
    this.more = el("a", "ms-more");          // link to all results
    pop.append(this.note, this.list, this.more);
    this.live = el("div", "ms-sr");          // polite announcements for screen readers
    this.live.setAttribute("role", "status");
    this.live.setAttribute("aria-live", "polite");
    root.append(pop, this.live);

    // WAI-ARIA 1.2 combobox: the input owns a listbox popup.
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.list.id);
    input.setAttribute("autocomplete", "off");
    input.setAttribute("spellcheck", "false");
    if (!input.getAttribute("aria-label") && !input.labels?.length)
      input.setAttribute("aria-label", "Search medicines");

    this.timer = 0;
    input.addEventListener("input", function () {
      self.pending = true;
      clearTimeout(self.timer);
      self.timer = setTimeout(function () { self.update(); }, DEBOUNCE_MS);
    });
    input.addEventListener("keydown", function (e) { self.key(e); });
    // Back in the box: show the list again if it still belongs to the text in the box.
    input.addEventListener("focus", function () { if (self.fresh()) self.open(true); });
    // Keep focus in the input when the popup is clicked; links still navigate.
    pop.addEventListener("mousedown", function (e) { e.preventDefault(); });
    root.addEventListener("focusout", function (e) {
      if (!root.contains(e.relatedTarget)) self.open(false);
    });
    window.addEventListener("resize", function () { self.place(); });
  }

  // "dark" when the first opaque background behind the box is dark, else "light".
  Widget.prototype.theme = function () {
    var dark = matchMedia("(prefers-color-scheme: dark)").matches &&
               /dark/.test(getComputedStyle(document.documentElement).colorScheme);   // page canvas
    for (var e = this.root; e && e.nodeType === 1; e = e.parentNode) {
      var c = getComputedStyle(e).backgroundColor.match(/[\d.]+/g);
      if (c && (c.length < 4 || +c[3] > 0.5)) {
        dark = 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2] < 128;
        break;
      }
    }
    this.root.setAttribute("data-theme", dark ? "dark" : "light");
  };

  // Where a result URL points: result URLs are relative to the site, not to the
  // API. Only web pages are links: a URL that resolves to another scheme
  // (javascript:, data:) gives "", and the result is shown without a link.
  Widget.prototype.href = function (url) {
    var full;
    try {
      full = new URL(url.charAt(0) === "/" && url.charAt(1) !== "/" ? trimSlash(this.site) + url : url, this.site);
    } catch (e) {
      return "";
    }
    return full.protocol === "http:" || full.protocol === "https:" ? full.href : "";
  };

  Widget.prototype.allResultsUrl = function (q) {
    var p = this.searchPage;
    return p + (p.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(q) +
      this.filters.map(function (f) { return "&filter=" + encodeURIComponent(f); }).join("");
  };

  Widget.prototype.open = function (on) {
    this.pop.hidden = !on;
    this.input.setAttribute("aria-expanded", on && this.items.length ? "true" : "false");
    if (!on) this.select(-1);
    else this.place();
  };

  // Keep the popup on screen when the box sits near the right edge of a narrow screen.
  Widget.prototype.place = function () {
    var pop = this.pop;
    pop.classList.remove("ms-right");
    if (!pop.hidden && pop.getBoundingClientRect().right > document.documentElement.clientWidth)
      pop.classList.add("ms-right");
  };

  Widget.prototype.select = function (i) {
    if (this.active >= 0 && this.items[this.active]) this.items[this.active].el.setAttribute("aria-selected", "false");
    this.active = i;
    if (i < 0) { this.input.removeAttribute("aria-activedescendant"); return; }
    var item = this.items[i].el;
    item.setAttribute("aria-selected", "true");
    this.input.setAttribute("aria-activedescendant", item.id);
    item.scrollIntoView({ block: "nearest" });
  };

  Widget.prototype.key = function (e) {
    var n = this.items.length, openNow = !this.pop.hidden;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (!openNow) {   // open the list, asking again if it is out of date
        if (!this.fresh()) { if (this.input.value.trim()) this.update(); return; }
        this.open(true);
        if (e.key === "ArrowUp" && n) this.select(n - 1);
        return;
      }
      if (!n) return;
      var i = this.active + (e.key === "ArrowDown" ? 1 : -1);
      this.select(i >= n ? 0 : i < 0 ? n - 1 : i);   // wrap around
    } else if (e.key === "Enter" && !e.isComposing) {
      var q = this.input.value.trim();
      if (openNow && this.active >= 0) {
        e.preventDefault();
        this.cancel();
        if (this.items[this.active].url) location.assign(this.items[this.active].url);
      } else if (q) {
        e.preventDefault();
        this.cancel();
        this.open(false);
        if (this.page) this.page.show(q, 1, true);
        else location.assign(this.allResultsUrl(q));
      }
    } else if (e.key === "Escape") {
      // First Esc closes (an answer still on its way must not reopen the list); the next clears.
      if (openNow || this.pending) { e.preventDefault(); this.cancel(); this.open(false); }
      else if (this.input.value) { e.preventDefault(); this.input.value = ""; this.clear(); }
    }
  };

  // Forget the typed-but-not-sent query and the request in flight.
  Widget.prototype.cancel = function () {
    this.pending = false;
    clearTimeout(this.timer);
    this.seq++;
    if (this.ctl) this.ctl.abort();
    this.root.classList.remove("ms-busy");
  };

  Widget.prototype.clear = function () {
    this.cancel();
    this.items = [];
    this.shown = "";
    this.list.textContent = this.note.textContent = "";
    this.open(false);
  };

  // The list on hand was made for the text now in the box.
  Widget.prototype.fresh = function () {
    return !!this.shown && this.shown === this.input.value.trim();
  };

  // Ask /suggest and /search for the current text; only the newest query's answer is shown.
  Widget.prototype.update = function () {
    var self = this, q = this.input.value.trim();
    if (!q) { this.clear(); this.live.textContent = ""; return; }
    var seq = ++this.seq;
    if (this.ctl) this.ctl.abort();
    var ctl = (this.ctl = new AbortController());
    var timeout = setTimeout(function () { ctl.abort(); }, TIMEOUT_MS);
    this.root.classList.add("ms-busy");
    var soft = function () { return null; };   // one route failing still shows the other
    Promise.all([
      getJson(this.endpoint, "/suggest", { q: q, limit: 5 }, ctl.signal).catch(soft),
      getJson(this.endpoint, "/search", { q: q, limit: this.limit, filter: this.filters, facets: 0 }, ctl.signal).catch(soft),
    ]).then(function (r) {
      clearTimeout(timeout);
      if (seq !== self.seq) return;            // a newer query was typed meanwhile
      self.pending = false;
      self.root.classList.remove("ms-busy");
      if (!r[0] && !r[1]) self.fail();
      else self.render(q, r[0], r[1]);
    });
  };

  Widget.prototype.fail = function () {
    this.shown = "";
    this.items = [];
    this.list.textContent = "";
    this.note.className = "ms-note ms-error";
    this.note.textContent = "Search is unavailable right now.";
    this.more.hidden = true;
    this.live.textContent = this.note.textContent;
    this.open(true);
  };

  Widget.prototype.render = function (q, sug, res) {
    var self = this, seen = {};
    this.shown = q;
    this.list.setAttribute("data-query", q);   // which query the list answers (for tests and styling)
    this.items = [];
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    this.list.textContent = this.note.textContent = "";
    this.note.className = "ms-note";

    // `link` gives a row's address: a page of the site, or a search (a kind of medicine, a condition).
    function group(label, rows, fill, link) {
      if (!rows.length) return;
      var g = el("div", "ms-group"), h = el("div", "ms-head", label);
      h.id = self.list.id + "-" + self.list.childNodes.length;
      h.setAttribute("role", "presentation");
      g.setAttribute("role", "group");
      g.setAttribute("aria-labelledby", h.id);
      g.appendChild(h);
      rows.forEach(function (row) {
        var a = el("a", "ms-option"), url = link ? link(row) : self.href(row.url);
        a.id = self.list.id + "-opt-" + self.items.length;
        if (url) a.href = url;
        a.tabIndex = -1;
        a.setAttribute("role", "option");
        a.setAttribute("aria-selected", "false");
        fill(a, row);
        g.appendChild(a);
        self.items.push({ el: a, url: url });
      });
      self.list.appendChild(g);
    }

    var suggestions = (sug && sug.suggestions) || [];
    var topic = res && res.topic;
    var members = (topic && topic.members) || [];
    suggestions.forEach(function (s) { if (s.url) seen[s.url] = 1; });
    members.forEach(function (m) { seen[m.url] = 1; });
    // A page already suggested by name is not repeated as a result with the same URL.
    var hits = ((res && res.hits) || []).filter(function (h) { return !seen[h.url]; });
    var toSearch = function (s) { return self.allResultsUrl(s.query); };

    // The kind of medicine or condition typed: the medicines that answer it, first.
    if (topic) group(topic.label, members.slice(0, 5), function (a, m) {
      a.appendChild(el("span", "ms-title", m.label));
    });
    group("Medicines", suggestions.filter(function (s) { return s.url; }), function (a, s) {
      a.appendChild(el("span", "ms-title", s.label));
      if (s.detail) a.appendChild(el("span", "ms-detail", s.detail));
    });
    group("Topics", suggestions.filter(function (s) { return !s.url && s.query; }), function (a, s) {
      a.appendChild(el("span", "ms-title", s.label));
      if (s.detail) a.appendChild(el("span", "ms-detail", s.detail));
    }, toSearch);
    group("Results", hits, function (a, h) {
      var t = el("span", "ms-title", h.title);
      if (h.section_label) t.appendChild(el("span", "ms-section", h.section_label));
      a.append(t, snippet(h.snippet));
    });

    // A correction applied is said; readings offered (did_you_mean) are buttons that search them.
    var fix = (res && res.corrected) || (sug && sug.corrected);
    if (fix && fix !== q) this.note.append("Showing results for ", el("b", "", fix));
    var offers = ((res && res.did_you_mean) || []).map(function (d) { return d.text; }).filter(function (t) { return t !== q; });
    if (offers.length) {
      if (this.note.childNodes.length) this.note.append(". ");
      this.note.append("Did you mean ");
      offers.forEach(function (text, i) {
        var b = el("button", "ms-fix", text);
        b.type = "button";
        b.addEventListener("click", function () { self.input.value = text; self.input.focus(); self.update(); });
        self.note.append(i ? (i === offers.length - 1 ? " or " : ", ") : "", b);
      });
      this.note.append("?");
    }
    if (!this.items.length) this.note.appendChild(el("span", "ms-empty", "No results for \u201c" + q + "\u201d."));

    this.more.hidden = !this.items.length;
    this.more.href = this.allResultsUrl(q);
    this.more.textContent = "All results for \u201c" + q + "\u201d";
    if (this.page) this.more.onclick = function (e) { e.preventDefault(); self.open(false); self.page.show(q, 1, true); };

    var n = this.items.length;
    this.live.textContent = (n ? n + (n === 1 ? " result" : " results") + (fix ? " for " + fix : "")
                               : "No results for " + q) + (offers.length ? ", did you mean " + offers.join(" or ") : "");
    this.open(true);
  };

  /* Full results with pages, for the search page: ?q=...&page=N in the address bar. */
  function Page(box, widget) {
    var self = this;
    this.box = box;
    this.w = widget;
    this.seq = 0;
    widget.page = this;
    window.addEventListener("popstate", function () { self.fromUrl(); });
    var form = widget.input.form;
    if (form) form.addEventListener("submit", function (e) {
      e.preventDefault();
      var q = widget.input.value.trim();
      widget.open(false);
      self.filters = widget.filters.slice();   // a new search starts from the box's own filters
      if (q) self.show(q, 1, true);
    });
    this.fromUrl();
  }

  Page.prototype.fromUrl = function () {
    var p = new URLSearchParams(location.search), q = (p.get("q") || "").trim();
    this.w.input.value = q;
    this.filters = p.has("filter") ? p.getAll("filter") : this.w.filters.slice();
    if (q) this.show(q, Math.max(1, parseInt(p.get("page"), 10) || 1), false);
    else this.box.textContent = "";
  };

  // The address of a page of results: the query, the filters chosen (so that
  // a link or Back keeps them) and the page number.
  Page.prototype.link = function (q, page) {
    return "?q=" + encodeURIComponent(q) +
      this.filters.map(function (f) { return "&filter=" + encodeURIComponent(f); }).join("") +
      (page > 1 ? "&page=" + page : "");
  };

  Page.prototype.show = function (q, page, push, focus) {
    var self = this, seq = ++this.seq, w = this.w;
    if (push && location.search !== this.link(q, page)) history.pushState(null, "", this.link(q, page));
    w.input.value = q;
    this.box.setAttribute("aria-busy", "true");
    var signal = AbortSignal.timeout ? AbortSignal.timeout(TIMEOUT_MS) : undefined;
    var params = { q: q, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE, filter: this.filters };
    getJson(w.endpoint, "/search", params, signal).then(
      function (r) { if (seq === self.seq) self.render(q, page, r, focus); },
      function () {
        if (seq !== self.seq) return;
        self.box.removeAttribute("aria-busy");
        self.box.textContent = "";
        self.box.appendChild(el("p", "ms-status ms-error", "Search is unavailable right now."));
      });
  };

  Page.prototype.render = function (q, page, r, focus) {
    var self = this, w = this.w, box = this.box, first = (page - 1) * PAGE_SIZE + 1;
    var last = first + r.hits.length - 1;
    box.removeAttribute("aria-busy");
    box.textContent = "";
    var status = el("p", "ms-status");
    status.tabIndex = -1;
    status.textContent = r.hits.length
      ? "Results " + first + "\u2013" + last + " of " + (last >= r.total && page === 1 ? "" : "about ") + r.total
      : "No results for \u201c" + q + "\u201d.";
    box.appendChild(status);
    // A correction applied is said; readings offered are links that search them.
    if (r.corrected) box.appendChild(el("p", "ms-note", "Showing results for \u201c" + r.corrected + "\u201d."));
    var offers = (r.did_you_mean || []).map(function (d) { return d.text; });
    if (offers.length) {
      var ask = el("p", "ms-note ms-did-you-mean");
      ask.append("Did you mean ");
      offers.forEach(function (text, i) {
        var a = el("a", "", text);
        a.href = self.link(text, 1);
        a.onclick = function (e) { e.preventDefault(); self.show(text, 1, true); };
        ask.append(i ? (i === offers.length - 1 ? " or " : ", ") : "", a);
      });
      ask.append("?");
      box.appendChild(ask);
    }
    if (r.expanded && r.expanded.length) {
      box.appendChild(el("p", "ms-note", "Also searched for: " + r.expanded.map(function (x) {
        return x.to + " (" + x.from + ")";
      }).join(", ")));
    }
    // A short answer above the hits: the kind of medicine or condition, and its medicines.
    if (r.topic && page === 1) {
      var about = el("section", "ms-topic");
      about.setAttribute("aria-label", r.topic.label);
      about.appendChild(el("h2", "", r.topic.label));
      about.appendChild(el("p", "ms-note", r.topic.kind === "class"
        ? "Medicines of this kind, the most used first:" : "Medicines used for it, the most used first:"));
      var list = el("ul", "ms-members");
      r.topic.members.forEach(function (m) {
        var li = el("li"), link = el("a", "", m.label);
        var to = w.href(m.url);
        if (to) link.href = to;
        li.appendChild(link);
        list.appendChild(li);
      });
      about.appendChild(list);
      box.appendChild(about);
    }
    if (r.facets) this.renderFacets(q, r.facets, r.total);
    var ol = el("ol", "ms-results");
    ol.start = first;
    r.hits.forEach(function (h) {
      var li = el("li"), a = el("a", "", h.title), url = w.href(h.url);
      li.dataset.rank = h.rank;
      if (url) a.href = url;
      var h2 = el("h2");
      h2.appendChild(a);
      if (h.section_label) h2.appendChild(el("span", "ms-section", h.section_label));
      li.append(h2, el("div", "ms-url", url.replace(/^https?:\/\//, "")), snippet(h.snippet));
      ol.appendChild(li);
    });
    box.appendChild(ol);

    var nav = el("nav", "ms-pages");
    nav.setAttribute("aria-label", "Result pages");
    function pageLink(label, p, rel) {
      var a = el("a", "", label);
      a.href = self.link(q, p);
      a.rel = rel;
      a.onclick = function (e) { e.preventDefault(); self.show(q, p, true, true); };
      nav.appendChild(a);
    }
    if (page > 1) pageLink("\u2190 Previous", page - 1, "prev");
    if (r.hits.length === PAGE_SIZE && last < r.total) pageLink("Next \u2192", page + 1, "next");
    if (nav.childNodes.length) box.appendChild(nav);
    w.live.textContent = status.textContent;
    // After Previous/Next, move to the top of the new page for keyboard and screen-reader users.
    if (focus) { status.focus(); window.scrollTo(0, 0); }
  };

  var FIELDS = { kind: "Kind", route: "Taken", ingredients: "Ingredients", has: "Has" };

  // The values chosen of one field, from filters such as "route:topical,nasal".
  Page.prototype.chosen = function (field) {
    var f = this.filters.filter(function (x) { return x.split(":")[0] === field; })[0];
    return f ? f.slice(field.length + 1).split(",") : [];
  };

  // Chips that narrow the results (a field's chosen values: any; fields: all),
  // with their counts; a value every result has would not narrow and is left out.
  Page.prototype.renderFacets = function (q, facets, total) {
    var self = this, bar = el("div", "ms-facets");
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Narrow the results");
    Object.keys(FIELDS).forEach(function (field) {
      var counts = facets[field] || {}, chosen = self.chosen(field);
      var values = Object.keys(counts).filter(function (v) { return counts[v] < total || chosen.indexOf(v) >= 0; });
      chosen.forEach(function (v) { if (values.indexOf(v) < 0) values.push(v); });
      if (!values.length) return;
      var group = el("div", "ms-facet");
      group.appendChild(el("span", "ms-facet-label", FIELDS[field]));
      values.forEach(function (v) {
        var on = chosen.indexOf(v) >= 0, chip = el("button", "ms-chip");
        chip.type = "button";
        chip.dataset.filter = field + ":" + v;
        chip.setAttribute("aria-pressed", on ? "true" : "false");
        chip.append(v.replace(/-/g, " "), " ", el("span", "ms-count", String(counts[v] || 0)));
        chip.addEventListener("click", function () {
          var next = on ? chosen.filter(function (x) { return x !== v; }) : chosen.concat([v]);
          self.filters = self.filters.filter(function (x) { return x.split(":")[0] !== field; });
          if (next.length) self.filters.push(field + ":" + next.join(","));
          self.show(q, 1, true);
        });
        group.appendChild(chip);
      });
      bar.appendChild(group);
    });
    if (bar.childNodes.length) this.box.appendChild(bar);
  };

  function init() {
    var results = document.querySelector("[data-medsearch-results]");
    var inputs = [].slice.call(document.querySelectorAll("input[data-medsearch]"));
    var host = document.getElementById("medsearch");
    if (host && !host.querySelector("input")) {
      var input = el("input", "ms-input");
      input.type = "search";
      input.placeholder = host.dataset.placeholder || "Search medicines";
      host.appendChild(input);
      inputs.push(input);
    }
    inputs.forEach(function (input) {
      if (input.getAttribute("role") === "combobox") return;   // already set up
      var w = new Widget(input, input.closest("#medsearch") || input, null);
      widgets.push(w);
      if (results && !results.medsearch) results.medsearch = new Page(results, w);
    });
    // The page's own stylesheet link counts; data-css="off" leaves styling to the page.
    if (widgets.length && option("css") !== "off" && !document.querySelector('link[href*="medsearch.css"]')) {
      var link = el("link");
      link.rel = "stylesheet";
      link.href = new URL("medsearch.css", scriptUrl).href;
      document.head.appendChild(link);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
