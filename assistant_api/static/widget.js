/*
 * Permanence chat widget — embeddable with one tag:
 *   <script src="https://HOST/widget.js" data-api="https://HOST" data-lang="fr" defer></script>
 *
 * Vanilla JS, no build step. Everything lives in a shadow root so the host page's CSS cannot
 * break it and its CSS cannot leak out. Untrusted text (answers, names, snippets) is only ever
 * inserted as text nodes or attribute values: no innerHTML anywhere.
 *
 * Optional attributes: data-open="true" (panel open at load), data-lang (preferred interface
 * language when the browser's languages are not supported), data-commune (default commune),
 * data-mount="false" (only expose the safe renderer as window.PermanenceKit, as /pro does).
 */
(function () {
  "use strict";

  var script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  if (!script || window.PermanenceKit) return;

  var LANGS = {
    fr: "Français", de: "Deutsch", it: "Italiano", en: "English", pt: "Português",
    es: "Español", ar: "العربية", uk: "Українська", ru: "Русский", fa: "فارسی",
    sq: "Shqip", tr: "Türkçe", ti: "ትግርኛ"
  };
  var RTL = { ar: true, fa: true };
  var STORAGE_KEY = "permanence.lang";
  var API = (script.getAttribute("data-api") || new URL(script.src, location.href).origin)
    .replace(/\/+$/, "");
  var COMMUNE = script.getAttribute("data-commune") || null;

  /* ---------- small helpers ---------- */

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === "text") el.textContent = v;
        else if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), v);
        else el.setAttribute(k, v === true ? "" : String(v));
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return el;
  }

  var SVG_NS = "http://www.w3.org/2000/svg";
  var ICONS = {
    mic: ["M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3z",
      "M19 11a7 7 0 0 1-14 0M12 18v3M8 21h8"],
    stop: ["M7 7h10v10H7z"],
    speaker: ["M4 9v6h4l5 4V5L8 9H4z", "M16 8.5a4.5 4.5 0 0 1 0 7M18.5 6a8 8 0 0 1 0 12"]
  };

  /** A decorative line icon (hidden from assistive technology; the button carries the name). */
  function icon(name) {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "pw-icon pw-icon-" + name);
    ICONS[name].forEach(function (d) {
      var path = document.createElementNS(SVG_NS, "path");
      path.setAttribute("d", d);
      svg.appendChild(path);
    });
    return svg;
  }

  /** An absolute http(s) URL for ``url`` (relative ones against the API), or null. */
  function safeUrl(url, base) {
    try {
      var u = new URL(url, (base || API) + "/");
      return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  /**
   * The link of citation ``c``: a record page of this API (``/v1/institutions/<id>``) gets
   * ``?lang=`` so that a browser opens it in the answer's language; other URLs stay as they are.
   */
  function citationHref(c, lang) {
    var href = c ? safeUrl(c.url) : null;
    if (!href || !lang) return href;
    var u = new URL(href);
    if (u.origin !== new URL(API + "/").origin || !/^\/v1\/institutions\/[^/]+$/.test(u.pathname)) return href;
    u.searchParams.set("lang", lang);
    return u.href;
  }

  function telHref(number) {
    return "tel:" + String(number).replace(/[^\d+]/g, "");
  }

  function mapHref(address) {
    return "https://www.openstreetmap.org/search?query=" + encodeURIComponent(address);
  }

  function fmt(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (m, k) {
      return values && values[k] !== undefined ? String(values[k]) : m;
    });
  }

  /* ---------- safe markdown: text nodes and a few elements, nothing else ---------- */

  var INLINE_SOURCE = (
    [
      "\\*\\*(.+?)\\*\\*",                                   // 1 bold
      "\\[(\\d{1,3})\\]",                                     // 2 citation
      "\\[([^\\]]+)\\]\\((https?://[^\\s)]+)\\)",            // 3,4 link
      "(https?://[^\\s<>()]*[^\\s<>().,;:!?'\"])",           // 5 bare url
      "(\\+41(?: \\d{2,3}){2,4}|0800 \\d{3} \\d{3})",         // 6 phone
      "\\*([^*\\s][^*]*?)\\*"                                 // 7 italic
    ].join("|")
  );

  function inline(text, ctx) {
    var frag = document.createDocumentFragment();
    var last = 0;
    var m;
    var re = new RegExp(INLINE_SOURCE, "g");  // per call: inline() recurses into bold/italic
    while ((m = re.exec(text)) !== null) {
      if (m.index > last) frag.appendChild(document.createTextNode(text.slice(last, m.index)));
      if (m[1] !== undefined) {
        var strong = h("strong");
        strong.appendChild(inline(m[1], ctx));
        frag.appendChild(strong);
      } else if (m[2] !== undefined) {
        frag.appendChild(citationLink(Number(m[2]), ctx));
      } else if (m[3] !== undefined) {
        var href = safeUrl(m[4]);
        frag.appendChild(href ? h("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, [m[3]]) : document.createTextNode(m[3]));
      } else if (m[5] !== undefined) {
        var url = safeUrl(m[5]);
        frag.appendChild(url ? h("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, [m[5]]) : document.createTextNode(m[5]));
      } else if (m[6] !== undefined) {
        frag.appendChild(h("a", { href: telHref(m[6]), class: "pw-tel", dir: "ltr" }, [m[6]]));
      } else if (m[7] !== undefined) {
        var em = h("em");
        em.appendChild(inline(m[7], ctx));
        frag.appendChild(em);
      }
      last = re.lastIndex;
    }
    if (last < text.length) frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }

  function citationLink(n, ctx) {
    var c = ctx && ctx.citations ? ctx.citations[n] : null;
    var href = citationHref(c, ctx && ctx.lang);
    if (!href) return document.createTextNode("[" + n + "]");
    var label = fmt(ctx.t("source_n"), { n: n }) + ": " + c.title +
      (isInternal(c) ? " (" + ctx.t("internal") + ")" : "");
    return h("a", {
      href: href, target: "_blank", rel: "noopener noreferrer", class: "pw-cite",
      "aria-label": label, title: label, "data-cite": n
    }, ["[" + n + "]"]);
  }

  /** Render the answer's markdown (paragraphs, lists, bold, links, [n]) as DOM nodes. */
  function markdown(text, ctx) {
    var root = document.createDocumentFragment();
    var lines = String(text || "").replace(/\r\n?/g, "\n").split("\n");
    var para = null, list = null, item = null;
    function endBlocks() { para = null; list = null; item = null; }
    lines.forEach(function (line) {
      if (!line.trim()) { endBlocks(); return; }
      var bullet = /^\s*[-*•]\s+(.*)$/.exec(line);
      var ordered = /^\s*(\d+)[.)]\s+(.*)$/.exec(line);
      var heading = /^\s*#{1,6}\s+(.*)$/.exec(line);
      if (heading) {
        endBlocks();
        var p = h("p", { class: "pw-h" });
        p.appendChild(h("strong", null, [inline(heading[1], ctx)]));
        root.appendChild(p);
      } else if (bullet || ordered) {
        var tag = ordered ? "ol" : "ul";
        if (!list || list.tagName.toLowerCase() !== tag) {
          list = h(tag);
          if (ordered && ordered[1] !== "1") list.setAttribute("start", ordered[1]);
          root.appendChild(list);
        }
        para = null;
        item = h("li");
        item.appendChild(inline(ordered ? ordered[2] : bullet[1], ctx));
        list.appendChild(item);
      } else if (item && /^\s{2,}\S/.test(line)) {
        item.appendChild(h("br"));
        item.appendChild(inline(line.trim(), ctx));
      } else {
        list = null; item = null;
        if (!para) { para = h("p"); root.appendChild(para); }
        else para.appendChild(h("br"));
        para.appendChild(inline(line.trim(), ctx));
      }
    });
    return root;
  }

  function plainText(text) {
    return String(text || "")
      .replace(/\[(\d{1,3})\]/g, "")
      .replace(/\[([^\]]+)\]\([^)]+\)/g, "$1")
      .replace(/[*#]+/g, "")
      .replace(/\s+/g, " ")
      .trim();
  }

  function isInternal(c) {
    return c && (c.audience === "professional" || c.kind === "intranet");
  }

  /* ---------- API access with feature detection ---------- */

  var features = { stream: null, voice: null, feedback: null };

  function detectFeatures() {
    return fetch(API + "/openapi.json", { credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (spec) {
        if (!spec || !spec.paths) return;
        features.stream = !!spec.paths["/v1/ask/stream"];
        features.voice = !!spec.paths["/v1/voice"];
        features.feedback = !!spec.paths["/v1/feedback"];
      })
      .catch(function () { /* unknown: try the endpoints and fall back on 404 */ });
  }

  function httpError(res) {
    return res.text().then(function (body) {
      var detail = body;
      try { detail = JSON.parse(body).detail || body; } catch (e) { /* not JSON */ }
      var err = new Error("HTTP " + res.status + ": " + detail);
      err.status = res.status;
      return err;
    });
  }

  /**
   * fetch, and once or twice again after the server's Retry-After when it answers 429 or 503.
   * The server lets one anonymous address have one request in flight (a flood cannot take the
   * CPU from others), so two people behind one office or household address who ask at the same
   * moment are served one after the other instead of one of them seeing an error. A wait longer
   * than 5 s (a used-up rate limit) is not retried: the error says when to try again.
   */
  async function fetchPolitely(url, init) {
    for (var attempt = 0; ; attempt++) {
      var res = await fetch(url, init);
      if ((res.status !== 429 && res.status !== 503) || attempt >= 2) return res;
      var wait = parseInt(res.headers.get("Retry-After") || "1", 10);
      if (!(wait >= 0) || wait > 5) return res;
      await new Promise(function (done) { setTimeout(done, Math.max(wait, 1) * 1000); });
    }
  }

  function askPlain(body) {
    return fetchPolitely(API + "/v1/ask", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body)
    }).then(function (res) {
      if (!res.ok) return httpError(res).then(function (e) { throw e; });
      return res.json();
    });
  }

  /** Parse one SSE block into {event, data}. */
  function parseEvent(block) {
    var event = "message", data = [];
    block.split(/\r?\n/).forEach(function (line) {
      if (line.indexOf("event:") === 0) event = line.slice(6).trim();
      else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
    });
    return { event: event, data: data.join("\n") };
  }

  function sentenceText(data) {
    try {
      var v = JSON.parse(data);
      if (typeof v === "string") return v;
      if (v && typeof v === "object") return v.text || v.sentence || v.delta || "";
    } catch (e) { /* plain text */ }
    return data;
  }

  /**
   * Ask through ``/v1/ask/stream``; ``onText`` receives the growing answer text. Resolves with
   * the final answer, or null when the stream endpoint does not exist (caller falls back).
   */
  async function askStream(body, onText) {
    var res = await fetchPolitely(API + "/v1/ask/stream", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify(body)
    });
    if (res.status === 404 || res.status === 405) { features.stream = false; return null; }
    if (!res.ok) throw await httpError(res);
    if (!res.body || !res.body.getReader) return JSON.parse(await res.text());
    var reader = res.body.getReader();
    var decoder = new TextDecoder();
    var buffer = "", text = "", result = null;
    function handle(block) {
      if (!block.trim()) return;
      var ev = parseEvent(block);
      if (ev.event === "result") result = JSON.parse(ev.data);
      else if (ev.event === "error") {
        var err = new Error(sentenceText(ev.data) || "stream error");
        throw err;
      } else if (ev.event === "sentence" || ev.event === "message") {
        var piece = sentenceText(ev.data);
        if (piece) {
          text += (text && !/\s$/.test(text) && !/^\s/.test(piece) ? " " : "") + piece;
          onText(text);
        }
      }
    }
    for (;;) {
      var chunk = await reader.read();
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      var parts = buffer.split(/\r?\n\r?\n/);
      buffer = parts.pop();
      parts.forEach(handle);
    }
    handle(buffer + decoder.decode());
    if (!result) throw new Error("the answer stream ended without a result");
    features.stream = true;
    return result;
  }

  async function ask(body, onText) {
    if (features.stream !== false) {
      var result = await askStream(body, onText);
      if (result) return result;
    }
    return askPlain(body);
  }

  function sendFeedback(payload) {
    return fetchPolitely(API + "/v1/feedback", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload)
    }).then(function (res) {
      if (res.status === 404 || res.status === 405) features.feedback = false;
      if (!res.ok) throw new Error("feedback HTTP " + res.status);
    });
  }

  /* ---------- the widget ---------- */

  function Widget() {
    this.strings = {};
    this.fallback = {};
    this.lang = "fr";
    this.bindings = [];
    this.busy = false;
    this.recorder = null;
    this.speaking = null;
    this.retentionDays = null;
    // The conversation the next question follows up on (AskResponse.conversation_id).
    this.conversationId = null;
  }

  Widget.prototype.t = function (key) {
    return this.strings[key] || this.fallback[key] || key;
  };

  /** Remember an element whose text/attribute follows the interface language. */
  Widget.prototype.bind = function (el, key, attr, values) {
    this.bindings.push({ el: el, key: key, attr: attr, values: values });
    this.apply(this.bindings[this.bindings.length - 1]);
    return el;
  };

  /** Load the strings of an answer's language once: its labels follow the answer (issue 17). */
  Widget.prototype.stringsFor = async function (lang) {
    this.byLang = this.byLang || {};
    if (!lang || lang === this.lang || this.byLang[lang]) return;
    try { this.byLang[lang] = await this.loadStrings(lang); } catch (e) { this.byLang[lang] = {}; }
  };

  /** Label ``el`` in the answer's language when its strings are loaded, else bind it. */
  Widget.prototype.label = function (el, key, lang, attr, values) {
    var own = lang && lang !== this.lang && this.byLang && this.byLang[lang] && this.byLang[lang][key];
    if (!own) return this.bind(el, key, attr, values);
    var value = fmt(own, values);
    if (attr) el.setAttribute(attr, value);
    else { el.textContent = value; el.setAttribute("lang", lang); }
    return el;
  };

  Widget.prototype.apply = function (b) {
    var value = fmt(this.t(b.key), typeof b.values === "function" ? b.values() : b.values);
    if (b.attr) b.el.setAttribute(b.attr, value);
    else {
      b.el.textContent = value;
      // Interface text inside an answer may differ from the answer's language: say so.
      b.el.setAttribute("lang", this.lang);
    }
  };

  Widget.prototype.loadStrings = function (lang) {
    return fetch(API + "/static/i18n/" + lang + ".json", { credentials: "omit" })
      .then(function (r) {
        if (!r.ok) throw new Error("no strings for " + lang);
        return r.json();
      });
  };

  Widget.prototype.initialLanguage = function () {
    var saved = null;
    try { saved = localStorage.getItem(STORAGE_KEY); } catch (e) { /* storage blocked */ }
    if (saved && LANGS[saved]) return saved;
    var prefs = (navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ""]);
    for (var i = 0; i < prefs.length; i++) {
      var base = String(prefs[i]).toLowerCase().split("-")[0];
      if (LANGS[base]) return base;
    }
    var hinted = (script.getAttribute("data-lang") || "").toLowerCase();
    return LANGS[hinted] ? hinted : "fr";
  };

  Widget.prototype.setLanguage = async function (lang, remember) {
    var self = this;
    try {
      self.strings = await self.loadStrings(lang);
    } catch (e) {
      self.strings = {};
    }
    self.lang = lang;
    if (remember) {
      try { localStorage.setItem(STORAGE_KEY, lang); } catch (e) { /* storage blocked */ }
    }
    self.root.setAttribute("lang", lang);
    self.root.setAttribute("dir", RTL[lang] ? "rtl" : "ltr");
    self.select.value = lang;
    self.bindings.forEach(function (b) { self.apply(b); });
  };

  Widget.prototype.mount = async function () {
    var self = this;
    var host = h("div", { id: "permanence-widget", "data-permanence": "widget" });
    document.body.appendChild(host);
    var shadow = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    self.shadow = shadow;
    shadow.appendChild(h("link", { rel: "stylesheet", href: API + "/widget.css" }));
    self.root = h("div", { class: "pw-root" });
    shadow.appendChild(self.root);

    try { self.fallback = await self.loadStrings("en"); } catch (e) { self.fallback = {}; }
    self.build();
    var config = fetch(API + "/widget/config.json").then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (c) { if (c.retention_days) self.retentionDays = c.retention_days; self.bindings.forEach(function (b) { self.apply(b); }); })
      .catch(function () { /* defaults stay */ });
    await Promise.all([self.setLanguage(self.initialLanguage(), false), detectFeatures(), config]);
    self.updateMic();
    if (String(script.getAttribute("data-open")) === "true") self.open(false);
    host.setAttribute("data-ready", "true");
  };

  Widget.prototype.build = function () {
    var self = this;
    var t = self.bind.bind(self);

    self.launcher = h("button", {
      type: "button", class: "pw-launcher", "aria-expanded": "false", "aria-controls": "pw-panel",
      onclick: function () { self.toggle(); }
    }, [h("span", { class: "pw-launcher-icon", "aria-hidden": "true", text: "?" })]);
    self.launcherText = t(h("span"), "open");
    self.launcher.appendChild(self.launcherText);

    var titleId = "pw-title";
    self.panel = h("section", {
      id: "pw-panel", class: "pw-panel", role: "dialog", "aria-modal": "false",
      "aria-labelledby": titleId, hidden: true
    });
    self.panel.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { ev.preventDefault(); self.close(); }
    });

    // Header: title, not-a-human note, language choice, close.
    var langLabel = t(h("label", { for: "pw-lang", class: "pw-lang-label" }), "language");
    self.select = h("select", {
      id: "pw-lang", class: "pw-lang",
      onchange: function () { self.setLanguage(self.select.value, true); }
    });
    Object.keys(LANGS).forEach(function (code) {
      self.select.appendChild(h("option", { value: code, lang: code, dir: RTL[code] ? "rtl" : "ltr" }, [LANGS[code]]));
    });
    var closeBtn = h("button", { type: "button", class: "pw-close", onclick: function () { self.close(); } },
      [h("span", { "aria-hidden": "true", text: "×" })]);
    t(closeBtn, "close", "aria-label");
    var header = h("header", { class: "pw-header" }, [
      h("div", { class: "pw-titles" }, [
        t(h("h2", { id: titleId, class: "pw-title" }), "title"),
        t(h("p", { class: "pw-robot" }), "not_human")
      ]),
      h("div", { class: "pw-header-tools" }, [langLabel, self.select, closeBtn])
    ]);

    // Emergency banner: outside the scrolling log, so it stays on top. It belongs to the answer
    // that raised it (issue 18): closable, and gone when a later answer is not an emergency.
    // The small line under it keeps the emergency numbers one tap away whenever it is hidden.
    self.emergency = h("div", { class: "pw-emergency", role: "alert", hidden: true });
    self.urgent = h("p", { class: "pw-urgent" });
    self.showUrgentLine(null, null);

    // Conversation log.
    self.log = h("div", { class: "pw-log", role: "log", "aria-live": "off", tabindex: "0" });
    t(self.log, "conversation", "aria-label");
    var welcome = h("div", { class: "pw-msg pw-bot pw-welcome" });
    t(welcome, "welcome");
    self.log.appendChild(welcome);

    // Screen-reader announcements of finished answers (polite) — one place, one message.
    self.live = h("div", { class: "pw-sr", "aria-live": "polite", "aria-atomic": "true" });
    self.status = h("p", { class: "pw-status", role: "status" });

    // Input form.
    self.input = h("textarea", { id: "pw-input", class: "pw-input", rows: "2", maxlength: "2000" });
    t(self.input, "placeholder", "placeholder");
    self.input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        self.submit();
      }
    });
    self.mic = h("button", {
      type: "button", class: "pw-mic", "aria-pressed": "false", hidden: true,
      onclick: function () { self.toggleRecording(); }
    }, [icon("mic"), icon("stop")]);
    self.micBinding = null;
    t(self.mic, "mic_start", "aria-label");
    self.send = h("button", { type: "submit", class: "pw-send" });
    t(self.send, "send");
    self.recording = h("p", { class: "pw-recording", hidden: true, role: "status" });
    t(self.recording, "recording");
    self.form = h("form", {
      class: "pw-form", novalidate: true,
      onsubmit: function (ev) { ev.preventDefault(); self.submit(); }
    }, [
      t(h("label", { for: "pw-input", class: "pw-input-label" }), "input_label"),
      h("div", { class: "pw-form-row" }, [self.input, self.mic, self.send]),
      self.recording
    ]);
    // "New question": forget the conversation (on the server too) and start again.
    self.newQuestion = h("button", {
      type: "button", class: "pw-new-question", hidden: true,
      onclick: function () { self.startOver(); }
    });
    t(self.newQuestion, "new_question");
    self.form.appendChild(self.newQuestion);

    var privacy = h("details", { class: "pw-privacy" }, [
      t(h("summary"), "privacy_title"),
      t(h("p"), "privacy_text", null, function () { return { days: self.retentionDays || 90 }; })
    ]);

    self.panel.appendChild(header);
    self.panel.appendChild(self.emergency);
    self.panel.appendChild(self.urgent);
    self.panel.appendChild(self.log);
    self.panel.appendChild(self.status);
    self.panel.appendChild(self.form);
    self.panel.appendChild(privacy);
    self.panel.appendChild(self.live);
    self.root.appendChild(self.panel);
    self.root.appendChild(self.launcher);
  };

  Widget.prototype.open = function (focus) {
    this.panel.hidden = false;
    this.launcher.setAttribute("aria-expanded", "true");
    this.launcher.hidden = true;
    if (focus !== false) this.input.focus();
  };

  Widget.prototype.close = function () {
    this.panel.hidden = true;
    this.launcher.hidden = false;
    this.launcher.setAttribute("aria-expanded", "false");
    this.launcher.focus();
  };

  Widget.prototype.toggle = function () {
    if (this.panel.hidden) this.open(true); else this.close();
  };

  Widget.prototype.scrollToEnd = function (el) {
    if (el && el.scrollIntoView) el.scrollIntoView({ block: "nearest" });
  };

  Widget.prototype.addUserMessage = function (text) {
    var msg = h("div", { class: "pw-msg pw-user", dir: "auto" }, [
      this.bind(h("span", { class: "pw-sr" }), "you"),
      h("p", { text: text })
    ]);
    this.log.appendChild(msg);
    this.scrollToEnd(msg);
    return msg;
  };

  Widget.prototype.setBusy = function (busy, key) {
    this.busy = busy;
    this.send.disabled = busy;
    this.form.setAttribute("aria-busy", busy ? "true" : "false");
    this.status.textContent = busy ? this.t(key || "thinking") : "";
  };

  Widget.prototype.submit = async function () {
    var question = this.input.value.trim();
    if (!question || this.busy) return;
    this.input.value = "";
    this.addUserMessage(question);
    var body = {
      question: question, language: null, audience: "public", commune: COMMUNE,
      conversation_id: this.conversationId
    };
    var article = this.startAnswer();
    this.setBusy(true);
    var self = this;
    try {
      var result = await ask(body, function (text) { self.streamInto(article, text); });
      this.conversationId = result.conversation_id || null;
      this.newQuestion.hidden = !this.conversationId;
      await this.stringsFor(result.language);
      this.renderAnswer(article, result, null);
    } catch (err) {
      this.renderError(article, err);
    } finally {
      this.setBusy(false);
      this.input.focus();
    }
  };

  /** Forget the thread: the server deletes the conversation, the log shows the welcome again. */
  Widget.prototype.startOver = function () {
    var id = this.conversationId;
    this.conversationId = null;
    this.newQuestion.hidden = true;
    if (id) {
      fetchPolitely(API + "/v1/conversations/" + encodeURIComponent(id), { method: "DELETE" })
        .catch(function () { /* it expires on its own within 30 minutes */ });
    }
    var welcome = this.log.querySelector(".pw-welcome");
    this.log.textContent = "";
    if (welcome) this.log.appendChild(welcome);
    this.hideEmergency();
    this.input.focus();
  };

  Widget.prototype.startAnswer = function () {
    var article = h("article", { class: "pw-msg pw-bot pw-answer", "aria-busy": "true" });
    var body = h("div", { class: "pw-answer-text pw-streaming" });
    article.appendChild(body);
    this.log.appendChild(article);
    this.scrollToEnd(article);
    return article;
  };

  Widget.prototype.streamInto = function (article, text) {
    var body = article.querySelector(".pw-answer-text");
    body.textContent = "";
    body.appendChild(markdown(text, { citations: {}, t: this.t.bind(this) }));
    this.scrollToEnd(article);
  };

  Widget.prototype.renderError = function (article, err) {
    article.setAttribute("aria-busy", "false");
    article.classList.add("pw-error");
    article.textContent = "";
    var p = h("p", { text: err && err.status === 413 ? this.t("too_long") : this.t("error") });
    article.appendChild(p);
    this.live.textContent = p.textContent;
    if (window.console) console.warn("Permanence widget:", err);
  };

  /** Replace the streaming placeholder with the full answer: text, cards, sources, actions. */
  Widget.prototype.renderAnswer = function (article, result, audio) {
    var self = this;
    var lang = result.language || self.lang;
    var dir = result.direction || (RTL[lang] ? "rtl" : "ltr");
    var citations = {};
    (result.citations || []).forEach(function (c) { citations[c.n] = c; });
    var ctx = { citations: citations, t: self.t.bind(self), lang: lang };

    article.textContent = "";
    article.setAttribute("aria-busy", "false");
    article.setAttribute("lang", lang);
    article.setAttribute("dir", dir);
    article.setAttribute("data-kind", result.kind);
    article.classList.add("pw-kind-" + result.kind);

    if (result.kind === "emergency") self.showEmergency(result.emergency_numbers || [], lang, article);
    else self.hideEmergency();
    if (result.kind === "no_answer") {
      article.appendChild(h("div", { class: "pw-noanswer" }, [
        self.label(h("h3", { class: "pw-noanswer-title" }), "no_answer_title", lang)
      ]));
    }
    var text = h("div", { class: "pw-answer-text" });
    text.appendChild(markdown(result.answer, ctx));
    article.appendChild(text);
    if (result.clarification && result.clarification.question) {
      // The one question the assistant asks back (where the person lives), in its language.
      article.appendChild(h("p", { class: "pw-clarification", text: result.clarification.question }));
    }

    if ((result.institutions || []).length) {
      var cards = h("ul", { class: "pw-cards" });
      result.institutions.forEach(function (inst) { cards.appendChild(self.card(inst, ctx)); });
      article.appendChild(self.label(h("h3", { class: "pw-cards-title" }), "cards_title", lang));
      article.appendChild(cards);
    }
    if ((result.citations || []).length) article.appendChild(self.sources(result.citations, lang));
    article.appendChild(self.actions(result, audio, lang));

    self.live.textContent = "";
    var announce = self.t("new_answer") + " " + plainText(result.answer).slice(0, 400);
    window.setTimeout(function () { self.live.textContent = announce; }, 50);
    self.scrollToEnd(article.firstChild);
  };

  var answerCount = 0;

  /** The red banner for ``article``'s emergency answer, labelled in the answer's language. */
  Widget.prototype.showEmergency = function (numbers, lang, article) {
    var self = this;
    var box = self.emergency;
    var shown = numbers.length ? numbers : [{ number: "144", label: "" }];
    if (!article.id) article.id = "pw-answer-" + (++answerCount);
    box.textContent = "";
    box.setAttribute("data-answer", article.id);
    var close = h("button", {
      type: "button", class: "pw-emergency-close",
      onclick: function () { self.hideEmergency(); self.urgent.querySelector("a").focus(); }
    }, [h("span", { "aria-hidden": "true", text: "×" })]);
    self.label(close, "emergency_close", lang, "aria-label");
    box.appendChild(h("div", { class: "pw-emergency-head" }, [
      self.label(h("p", { class: "pw-emergency-title" }), "emergency_title", lang), close
    ]));
    var list = h("ul", { class: "pw-emergency-list" });
    shown.forEach(function (n) {
      list.appendChild(h("li", null, [
        h("a", { href: telHref(n.number), class: "pw-emergency-call" }, [
          h("span", { class: "pw-emergency-number", text: n.number }),
          n.label ? h("span", { class: "pw-emergency-label", text: n.label }) : null
        ])
      ]));
    });
    box.appendChild(list);
    box.hidden = false;
    self.showUrgentLine(shown, lang);
    self.urgent.hidden = true;
  };

  /** Hide the banner; the small line of numbers shows instead. */
  Widget.prototype.hideEmergency = function () {
    this.emergency.hidden = true;
    this.emergency.textContent = "";
    this.emergency.removeAttribute("data-answer");
    this.urgent.hidden = false;
  };

  /** The always-reachable line: the last banner's numbers, or 144 and 117 before any. */
  Widget.prototype.showUrgentLine = function (numbers, lang) {
    var line = this.urgent;
    line.textContent = "";
    line.appendChild(this.label(h("span", { class: "pw-urgent-label" }), "emergency_short", lang));
    (numbers || [{ number: "144" }, { number: "117" }]).forEach(function (n) {
      line.appendChild(document.createTextNode(" "));
      line.appendChild(h("a", { href: telHref(n.number), class: "pw-urgent-call", dir: "ltr", text: n.number }));
    });
  };

  Widget.prototype.card = function (inst, ctx) {
    var self = this;
    var rows = h("dl", { class: "pw-card-facts" });
    function row(key, content) {
      if (!content) return;
      rows.appendChild(self.label(h("dt"), key, ctx.lang));
      rows.appendChild(h("dd", null, [content]));
    }
    if ((inst.phones || []).length) {
      var phones = h("span");
      inst.phones.forEach(function (p, i) {
        if (i) phones.appendChild(document.createTextNode(", "));
        // Digits keep their order inside right-to-left text: "+41 32 889 37 85", not reversed.
        phones.appendChild(h("bdi", null, [h("a", { href: telHref(p), class: "pw-tel", dir: "ltr" }, [p])]));
      });
      row("phone", phones);
    }
    if ((inst.emails || []).length) {
      var mails = h("span");
      inst.emails.forEach(function (e, i) {
        if (i) mails.appendChild(document.createTextNode(", "));
        mails.appendChild(h("bdi", null, [h("a", { href: "mailto:" + e, dir: "ltr" }, [e])]));
      });
      row("email", mails);
    }
    if (inst.address) {
      var map = h("a", { href: mapHref(inst.address), target: "_blank", rel: "noopener noreferrer", class: "pw-map" });
      self.label(map, "map", ctx.lang);
      self.label(map, "map_label", ctx.lang, "aria-label", { address: inst.address });
      row("address", h("span", null, [h("bdi", null, [inst.address]), " · ", map]));
    }
    if (inst.hours) row("hours", hoursContent(inst, ctx.lang));
    var site = inst.website ? safeUrl(inst.website) : null;
    if (site) {
      row("website", h("a", { href: site, target: "_blank", rel: "noopener noreferrer" }, [
        site.replace(/^https?:\/\/(www\.)?/, "").replace(/\/$/, "")
      ]));
    }
    if ((inst.service_area || []).length) row("area", document.createTextNode(inst.service_area.join(", ")));
    var cites = h("span", { class: "pw-card-cites" });
    (inst.citations || []).forEach(function (n) { cites.appendChild(citationLink(n, ctx)); });
    var name = inst.name + (inst.acronym && inst.name.indexOf(inst.acronym) < 0 ? " (" + inst.acronym + ")" : "");
    return h("li", { class: "pw-card", "data-institution": inst.id }, [
      h("h4", { class: "pw-card-name" }, [h("bdi", null, [name]), " ", cites]),
      inst.why ? h("p", { class: "pw-card-why" }, [inline(inst.why, ctx)]) : null,
      rows,
      inst.note ? h("p", { class: "pw-card-note" }, [inst.note]) : null
    ]);
  };

  /**
   * A card's hours and, with a current schedule, whether it is open now: a badge with words
   * (colour only repeats them; never red, the emergency colour). Without a current schedule
   * the hours are the source's French text, isolated from the answer's direction.
   */
  function hoursContent(inst, lang) {
    var known = inst.opening !== null && inst.opening !== undefined;
    // The API isolates each range (U+2068…U+2069): keep each on one line, "08:30–" never
    // ends a line with its "12:00" on the next.
    var week = h("bdi", { lang: known ? lang : "fr", class: "pw-hours" },
      String(inst.hours).split(/(\u2068[^\u2069]*\u2069)/).map(function (part, i) {
        return i % 2 ? h("span", { class: "pw-nowrap" }, [part]) : part;
      }));
    if (!known) return week;
    var state = inst.open_now === true ? "open" : inst.open_now === false ? "closed" : "unknown";
    return h("span", null, [week, " ", h("span", {
      class: "pw-opening pw-opening-" + state, "data-open": state, lang: lang
    }, [inst.opening])]);
  }

  Widget.prototype.sources = function (citations, lang) {
    var self = this;
    var list = h("ol", { class: "pw-sources-list" });
    citations.forEach(function (c) {
      var href = citationHref(c, lang);
      list.appendChild(h("li", { value: String(c.n), "data-source": c.n }, [
        href ? h("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, [c.title]) : c.title,
        isInternal(c) ? self.bind(h("span", { class: "pw-badge-internal" }), "internal") : null,
        c.snippet ? h("p", { class: "pw-snippet", text: c.snippet }) : null
      ]));
    });
    var summary = h("summary");
    self.label(summary, "sources_count", lang, null, { count: citations.length });
    return h("details", { class: "pw-sources" }, [summary, list]);
  };

  Widget.prototype.actions = function (result, audio, lang) {
    var self = this;
    var bar = h("div", { class: "pw-actions" });
    var canSpeak = !!audio || ("speechSynthesis" in window && window.SpeechSynthesisUtterance);
    if (canSpeak) {
      var speak = h("button", {
        type: "button", class: "pw-speak", "aria-pressed": "false",
        "data-source": audio ? "server" : "browser"
      }, [icon("speaker")]);
      var speakLabel = self.bind(h("span"), "listen");
      speak.appendChild(speakLabel);
      speak.addEventListener("click", function () { self.speak(speak, result, audio, lang); });
      bar.appendChild(speak);
    }
    if (features.feedback !== false) {
      var group = h("div", { class: "pw-feedback", role: "group" });
      var question = self.bind(h("span", { class: "pw-feedback-q", id: "pw-fq-" + Math.random().toString(36).slice(2) }), "feedback_q");
      group.setAttribute("aria-labelledby", question.id);
      group.appendChild(question);
      var note = h("span", { class: "pw-feedback-note", role: "status" });
      ["helpful", "not_helpful", "wrong_institution"].forEach(function (rating) {
        var b = h("button", { type: "button", class: "pw-fb pw-fb-" + rating, "data-rating": rating, "aria-pressed": "false" });
        self.bind(b, rating);
        b.addEventListener("click", function () {
          var buttons = group.querySelectorAll("button");
          Array.prototype.forEach.call(buttons, function (x) { x.disabled = true; });
          b.setAttribute("aria-pressed", "true");
          var payload = { rating: rating };
          if (result.answer_id || result.id) payload.answer_id = result.answer_id || result.id;
          sendFeedback(payload).then(function () {
            self.bind(note, "feedback_thanks");
          }, function () {
            Array.prototype.forEach.call(buttons, function (x) { x.disabled = false; });
            b.setAttribute("aria-pressed", "false");
            self.bind(note, "feedback_failed");
          });
        });
        group.appendChild(b);
      });
      group.appendChild(note);
      bar.appendChild(group);
    }
    return bar;
  };

  Widget.prototype.stopSpeaking = function () {
    if (!this.speaking) return;
    var s = this.speaking;
    this.speaking = null;
    if (s.audio) { s.audio.pause(); s.audio.currentTime = 0; }
    else if (window.speechSynthesis) window.speechSynthesis.cancel();
    s.button.setAttribute("aria-pressed", "false");
  };

  /** Play the server's spoken answer when there is one, else the browser's speech synthesis. */
  Widget.prototype.speak = function (button, result, audio, lang) {
    var self = this;
    var same = self.speaking && self.speaking.button === button;
    self.stopSpeaking();
    if (same) return;
    var entry = { button: button, audio: null };
    button.setAttribute("aria-pressed", "true");
    function done() {
      if (self.speaking === entry) { self.speaking = null; button.setAttribute("aria-pressed", "false"); }
    }
    if (audio) {
      entry.audio = new Audio(audio);
      entry.audio.addEventListener("ended", done);
      entry.audio.play().catch(done);
    } else {
      var u = new SpeechSynthesisUtterance(plainText(result.answer));
      u.lang = lang;
      u.onend = done;
      u.onerror = done;
      window.speechSynthesis.speak(u);
    }
    self.speaking = entry;
  };

  /* ---------- voice ---------- */

  Widget.prototype.updateMic = function () {
    var supported = !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder);
    this.mic.hidden = !supported || features.voice === false;
  };

  Widget.prototype.toggleRecording = function () {
    if (this.recorder) this.stopRecording();
    else this.startRecording();
  };

  Widget.prototype.startRecording = async function () {
    var self = this;
    if (self.busy) return;
    var stream;
    try {
      // Browser noise suppression smears speech that Whisper would read fine: record it raw.
      stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false, channelCount: 1 }
      });
    } catch (e) {
      self.status.textContent = self.t("mic_denied");
      return;
    }
    var chunks = [];
    var recorder = new MediaRecorder(stream);
    recorder.addEventListener("dataavailable", function (ev) { if (ev.data && ev.data.size) chunks.push(ev.data); });
    recorder.addEventListener("stop", function () {
      stream.getTracks().forEach(function (track) { track.stop(); });
      self.sendVoice(new Blob(chunks, { type: recorder.mimeType || "audio/webm" }));
    });
    self.recorder = recorder;
    recorder.start();
    self.mic.setAttribute("aria-pressed", "true");
    self.mic.classList.add("pw-recording-on");
    self.setMicLabel("mic_stop");
    self.recording.hidden = false;
  };

  Widget.prototype.setMicLabel = function (key) {
    var self = this;
    self.bindings = self.bindings.filter(function (b) { return !(b.el === self.mic && b.attr === "aria-label"); });
    self.bind(self.mic, key, "aria-label");
  };

  Widget.prototype.stopRecording = function () {
    var recorder = this.recorder;
    this.recorder = null;
    this.mic.setAttribute("aria-pressed", "false");
    this.mic.classList.remove("pw-recording-on");
    this.setMicLabel("mic_start");
    this.recording.hidden = true;
    if (recorder && recorder.state !== "inactive") recorder.stop();
  };

  /** The spoken answer of a ``/v1/voice?speak=1`` response (``speech``), as a playable URL. */
  function audioSource(payload) {
    var speech = payload && payload.speech;
    if (!speech) return null;
    if (speech.audio_base64) {
      var mime = speech.media_type || (speech.format === "mp3" ? "audio/mpeg" : "audio/wav");
      return "data:" + mime + ";base64," + speech.audio_base64;
    }
    return speech.audio_url ? safeUrl(speech.audio_url) : null;
  }

  Widget.prototype.sendVoice = async function (blob) {
    var self = this;
    var form = new FormData();
    var ext = /ogg/.test(blob.type) ? "ogg" : /mp4/.test(blob.type) ? "m4a" : "webm";
    form.append("file", blob, "question." + ext);
    self.setBusy(true, "transcribing");
    var message = null;
    try {
      // No language hint: Whisper identifies the spoken language better than the UI choice.
      var res = await fetchPolitely(API + "/v1/voice?speak=1", { method: "POST", body: form });
      if (res.status === 404 || res.status === 405) {
        features.voice = false;
        message = "voice_unavailable";
        return;
      }
      if (res.status === 503) { message = "voice_unavailable"; return; }
      if (!res.ok) throw await httpError(res);
      var payload = await res.json();
      self.addUserMessage(payload.transcript || "…");
      var article = self.startAnswer();
      await self.stringsFor(payload.result.language);
      self.renderAnswer(article, payload.result, audioSource(payload));
    } catch (err) {
      message = "voice_failed";
      if (window.console) console.warn("Permanence widget:", err);
    } finally {
      self.setBusy(false);
      self.updateMic();
      if (message) self.status.textContent = self.t(message);
      if (self.mic.hidden) self.input.focus(); else self.mic.focus();
    }
  };

  /* ---------- start ---------- */

  // The pro console reuses the safe renderer: <script src="/widget.js" data-mount="false">.
  window.PermanenceKit = {
    h: h, markdown: markdown, inline: inline, safeUrl: safeUrl, telHref: telHref,
    mapHref: mapHref, plainText: plainText, isInternal: isInternal, parseEvent: parseEvent,
    fetchPolitely: fetchPolitely
  };
  if (String(script.getAttribute("data-mount")) === "false") return;

  var widget = new Widget();
  window.PermanenceWidget = {
    open: function () { widget.open(true); },
    close: function () { widget.close(); },
    setLanguage: function (lang) { return widget.setLanguage(lang, true); }
  };
  function start() { widget.mount(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
