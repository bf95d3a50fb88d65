/*
 * Permanence referral console (/pro) for social workers.
 *
 * The professional token lives in sessionStorage only (gone when the tab closes). With it,
 * questions go out as audience "professional" with a Bearer header, so intranet sources are
 * retrieved and shown with an "interne" badge; without it the console behaves like the public
 * assistant. Rendering reuses the widget's safe renderer (window.PermanenceKit): untrusted text
 * is inserted as text nodes only. Questions asked in the "ask" column belong to the referral case
 * (pro-case.js): each carries the conversation id of the one before, so follow-ups are understood.
 */
(function () {
  "use strict";

  var kit = window.PermanenceKit;
  var kase = window.PermanenceCase;
  var h = kit.h;
  var TOKEN_KEY = "permanence.proToken";
  var config = { categories: {}, communes: [] };
  var current = null;  // the institution shown in the detail panel

  var FIELD_LABELS = {
    name: "Nom", acronym: "Sigle", categories: "Catégories", description: "Présentation",
    services: "Prestations", eligibility: "Pour qui", service_area: "Région desservie",
    locations: "Adresses", phones: "Téléphones", emails: "E-mails", website: "Site web",
    hours: "Horaires", languages: "Langues", application: "Démarche (comment demander, quoi apporter)",
    fees: "Coûts", notes: "Remarques", last_verified: "Fiche écrite le", id: "Identifiant"
  };
  var FIELD_ORDER = ["name", "acronym", "categories", "description", "services", "eligibility",
    "service_area", "locations", "phones", "emails", "website", "hours", "languages",
    "application", "fees", "notes", "last_verified", "id"];

  //: Contact facts dated one by one (record.assured); last_verified is when the file was written.
  var ASSURED_FIELDS = ["locations", "phones", "emails", "website", "hours"];

  function assuredText(record, field) {
    var a = (record.assured || {})[field];
    return a ? "vérifié le " + a.assured_date + (a.assured_by ? " (" + a.assured_by + ")" : "")
      : "date de vérification inconnue";
  }

  function $(id) { return document.getElementById(id); }

  function token() {
    try { return sessionStorage.getItem(TOKEN_KEY); } catch (e) { return null; }
  }

  function setToken(value) {
    try {
      if (value) sessionStorage.setItem(TOKEN_KEY, value);
      else sessionStorage.removeItem(TOKEN_KEY);
    } catch (e) { /* storage blocked: the console still works without a token */ }
    renderAuth();
  }

  function renderAuth() {
    var signed = !!token();
    $("signin").hidden = signed;
    $("signed-in").hidden = !signed;
    $("ask-scope").textContent = signed
      ? "Sources internes (intranet) incluses : elles sont marquées « interne »."
      : "Sans connexion, seules les sources publiques sont utilisées.";
  }

  function t(key) {
    return { source_n: "Source {n}", internal: "interne" }[key] || key;
  }

  function httpError(res) {
    return res.text().then(function (body) {
      var detail = body;
      try { detail = JSON.parse(body).detail || body; } catch (e) { /* not JSON */ }
      var err = new Error(String(detail));
      err.status = res.status;
      throw err;
    });
  }

  /** ``headers`` with the professional token when there is one: it gives the answers their
      internal sources, and the server lets a browser with it have several requests in flight
      (the search, the case's files), one without it only one. */
  function withToken(headers) {
    var tok = token();
    if (tok) headers.Authorization = "Bearer " + tok;
    return headers;
  }

  function getJson(url) {
    return kit.fetchPolitely(url, { headers: withToken({ Accept: "application/json" }) }).then(function (res) {
      if (!res.ok) return httpError(res);
      return res.json();
    });
  }

  function askApi(question, commune, topK, conversationId) {
    var headers = withToken({ "Content-Type": "application/json", Accept: "application/json" });
    var tok = token();
    var body = {
      question: question, language: null, audience: tok ? "professional" : "public",
      commune: commune || null, top_k: topK || null, conversation_id: conversationId || null
    };
    return kit.fetchPolitely("/v1/ask", { method: "POST", headers: headers, body: JSON.stringify(body) })
      .then(function (res) {
        if (res.status === 401) {
          setToken(null);
          $("auth-status").textContent = "Jeton refusé : vous avez été déconnecté·e. Vérifiez le jeton et reconnectez-vous.";
        }
        if (!res.ok) return httpError(res);
        return res.json();
      });
  }

  /* Resolves true for a professional token, false for a refused one; rejects when the
     server cannot be reached (the token is then neither kept nor called wrong). */
  function checkToken(value) {
    var headers = { Accept: "application/json", Authorization: "Bearer " + value };
    return kit.fetchPolitely("/v1/session", { headers: headers }).then(function (res) {
      if (res.status === 401) return false;
      if (!res.ok) return httpError(res);
      return res.json().then(function (info) { return info.audience === "professional"; });
    });
  }

  /* ---------- search ---------- */

  function listFrom(payload) {
    if (Array.isArray(payload)) return payload;
    return payload.items || payload.institutions || payload.results || [];
  }

  function communesOf(record) {
    var names = (record.locations || []).map(function (l) { return l.commune; });
    return names.length ? names : (record.service_area || []);
  }

  /* An institution in a list; ``keep`` is the answer's "add to case" button, if any. */
  function resultItem(record, why, keep) {
    var button = h("button", { type: "button", class: "pro-open", "data-id": record.id },
      [record.name + (record.acronym && record.name.indexOf(record.acronym) < 0 ? " (" + record.acronym + ")" : "")]);
    button.addEventListener("click", function () { openDetail(record.id, why || record.why || null); });
    var meta = [];
    (record.categories || []).forEach(function (c) { meta.push(config.categories[c] || c); });
    var place = record.address || communesOf(record).join(", ");
    var phones = (record.phones || []).map(function (p) { return typeof p === "string" ? p : p.number; });
    var phoneLine = null;
    if (phones.length) {
      phoneLine = h("p", { class: "pro-meta" });
      phones.forEach(function (p, i) {
        if (i) phoneLine.appendChild(document.createTextNode(", "));
        phoneLine.appendChild(h("a", { href: kit.telHref(p) }, [p]));
      });
    }
    return h("li", { class: "pro-result", "data-id": record.id }, [
      button,
      meta.length ? h("p", { class: "pro-meta", text: meta.join(" · ") }) : null,
      place ? h("p", { class: "pro-meta", text: place }) : null,
      phoneLine,
      why ? h("p", { class: "pro-why", text: why }) : null,
      keep || null
    ]);
  }

  async function search(ev) {
    ev.preventDefault();
    var q = $("q").value.trim(), category = $("category").value, commune = $("commune").value.trim();
    var status = $("search-status"), results = $("results");
    results.textContent = "";
    status.textContent = "Recherche…";
    var params = new URLSearchParams();
    if (q) params.set("q", q);
    if (category) params.set("category", category);
    if (commune) params.set("commune", commune);
    try {
      var headers = withToken({ Accept: "application/json" });
      var res = await kit.fetchPolitely("/v1/institutions?" + params.toString(), { headers: headers });
      var records, total = null;
      if (res.status === 404 || res.status === 405) {
        // No listing endpoint on this server: ask the assistant instead (same ranking as citizens).
        var question = [q, config.categories[category] || "", commune].filter(Boolean).join(" ");
        if (!question) { status.textContent = "Indiquez un besoin, une catégorie ou une commune."; return; }
        var answer = await askApi(question, commune, 10);
        records = answer.institutions || [];
      } else if (!res.ok) {
        await httpError(res);
      } else {
        var page = await res.json();
        records = listFrom(page);
        total = page.total;
      }
      records.forEach(function (r) { results.appendChild(resultItem(r, r.why || null)); });
      if (typeof total !== "number") total = records.length;
      status.textContent = !records.length
        ? "Aucune institution ne correspond."
        : total > records.length
          ? records.length + " premières institutions sur " + total + "."
          : records.length + (records.length > 1 ? " institutions trouvées." : " institution trouvée.");
    } catch (err) {
      status.textContent = "La recherche a échoué : " + err.message;
    }
  }

  /* ---------- ask ---------- */

  function sourcesList(citations) {
    var list = h("ol", { class: "pro-sources" });
    citations.forEach(function (c) {
      var href = kit.safeUrl(c.url, location.origin);
      var internal = kit.isInternal(c);
      list.appendChild(h("li", { value: String(c.n), class: internal ? "pro-source-internal" : null, "data-audience": c.audience || "public" }, [
        href ? h("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, [c.title]) : c.title,
        internal ? h("span", { class: "pro-badge-internal", text: "interne" }) : null,
        h("span", { class: "pro-meta", text: " — " + c.kind + (c.fetched_at ? ", relevé le " + String(c.fetched_at).slice(0, 10) : "") }),
        c.snippet ? h("p", { class: "pro-snippet", text: c.snippet }) : null
      ]));
    });
    return list;
  }

  async function ask(ev) {
    ev.preventDefault();
    var question = $("question").value.trim();
    if (!question) { $("question").focus(); return; }
    var status = $("ask-status"), out = $("answer");
    out.textContent = "";
    status.textContent = "L'assistant cherche…";
    try {
      var result = await askApi(question, $("ask-commune").value.trim(), 5, kase.conversationId());
      var added = kase.addQuestion(question, result);
      var citations = {};
      (result.citations || []).forEach(function (c) { citations[c.n] = c; });
      var ctx = { citations: citations, t: t };
      if (result.kind === "emergency") {
        out.appendChild(h("p", { class: "pro-emergency", role: "alert", text: "Situation d'urgence signalée par l'assistant : numéros d'urgence en premier." }));
      }
      var text = h("div", { class: "pro-answer-text", lang: result.language, dir: result.direction || "auto" });
      text.appendChild(kit.markdown(result.answer, ctx));
      out.appendChild(text);
      if ((result.institutions || []).length) {
        out.appendChild(h("h3", { text: "Institutions proposées" }));
        var list = h("ul", { class: "pro-results" });
        result.institutions.forEach(function (inst) {
          list.appendChild(resultItem(inst, inst.why, kase.keepButton(added.id, inst, citations)));
        });
        out.appendChild(list);
      }
      if ((result.citations || []).length) {
        var internal = result.citations.filter(kit.isInternal).length;
        out.appendChild(h("h3", { text: "Sources" + (internal ? " (dont " + internal + " interne" + (internal > 1 ? "s" : "") + ")" : "") }));
        out.appendChild(sourcesList(result.citations));
      }
      status.textContent = "Réponse reçue" + (token() ? " (sources internes incluses)." : " (sources publiques seulement).")
        + " Question " + added.number + " du dossier."
        + (added.wasOpen && !added.continued
          ? " La conversation précédente n'est plus sur le serveur (expirée ou connexion changée) : cette question est lue seule."
          : "");
    } catch (err) {
      status.textContent = err.status === 401
        ? "Jeton refusé."
        : "La question n'a pas abouti : " + err.message;
    }
  }

  /* ---------- detail, summary, print ---------- */

  function valueNode(field, value) {
    if (value === null || value === undefined || (Array.isArray(value) && !value.length) || value === "") return null;
    if (field === "phones") {
      var ps = h("ul");
      value.forEach(function (p) {
        ps.appendChild(h("li", null, [h("a", { href: kit.telHref(p.number) }, [p.number]), p.label ? " — " + p.label : ""]));
      });
      return ps;
    }
    if (field === "emails") {
      var es = h("ul");
      value.forEach(function (e) { es.appendChild(h("li", null, [h("a", { href: "mailto:" + e }, [e])])); });
      return es;
    }
    if (field === "website") {
      var url = kit.safeUrl(value, location.origin);
      return url ? h("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, [value]) : document.createTextNode(value);
    }
    if (field === "locations") {
      var ls = h("ul");
      value.forEach(function (l) {
        var line = [l.name, l.street, l.po_box, [l.postal_code, l.commune].filter(Boolean).join(" ")].filter(Boolean).join(", ");
        ls.appendChild(h("li", null, [line, " · ", h("a", { href: kit.mapHref(line), target: "_blank", rel: "noopener noreferrer", "aria-label": "Voir " + line + " sur un plan (OpenStreetMap)" }, ["plan"])]));
      });
      return ls;
    }
    if (field === "categories") {
      return document.createTextNode(value.map(function (c) { return config.categories[c] || c; }).join(" · "));
    }
    if (Array.isArray(value)) {
      var ul = h("ul");
      value.forEach(function (v) { ul.appendChild(h("li", { text: String(v) })); });
      return ul;
    }
    return document.createTextNode(String(value));
  }

  function renderDetail(record) {
    var body = $("detail-body");
    body.textContent = "";
    $("detail-title").textContent = record.name;
    var unconfirmed = record.unconfirmed || [];
    var provenance = record.provenance || {};
    var dl = h("dl", { class: "pro-fields" });
    FIELD_ORDER.forEach(function (field) {
      var node = valueNode(field, record[field]);
      if (!node) return;
      var dd = h("dd", { "data-field": field }, [node]);
      if (ASSURED_FIELDS.indexOf(field) >= 0) {
        var assured = (record.assured || {})[field];
        dd.appendChild(h("p", { class: "pro-assured", "data-assured": assured ? assured.assured_date : "unknown", text: "Coordonnée " + assuredText(record, field) + "." }));
      }
      if (unconfirmed.indexOf(field) >= 0) dd.appendChild(h("p", { class: "pro-unconfirmed", text: "⚠ À confirmer : information ancienne, contradictoire ou non vérifiée." }));
      var from = provenance[field] || [];
      if (from.length) {
        var src = h("p", { class: "pro-provenance" }, ["Source : "]);
        from.forEach(function (u, i) {
          if (i) src.appendChild(document.createTextNode(", "));
          // Numbered as in "Sources de la fiche" below, so the print-out stays readable.
          var number = (record.sources || []).indexOf(u) + 1;
          var label = number ? String(number) : u;
          var href = kit.safeUrl(u, location.origin);
          src.appendChild(href ? h("a", {
            href: href, target: "_blank", rel: "noopener noreferrer",
            "aria-label": "Source " + label + " : " + u
          }, [label]) : document.createTextNode(u));
        });
        dd.appendChild(src);
      }
      dl.appendChild(h("dt", { text: FIELD_LABELS[field] || field }));
      dl.appendChild(dd);
    });
    body.appendChild(dl);
    body.appendChild(h("h3", { text: "Sources de la fiche" }));
    var sources = h("ol", { class: "pro-sources" });
    (record.sources || []).forEach(function (u) {
      var href = kit.safeUrl(u, location.origin);
      sources.appendChild(h("li", null, [href ? h("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, [u]) : u]));
    });
    body.appendChild(sources);
  }

  /** A plain-text referral note: contacts, how to ask, what to bring, and how sure we are. */
  function summary(record, why) {
    var lines = ["Orientation vers : " + record.name + (record.acronym ? " (" + record.acronym + ")" : "")];
    if (why) lines.push("Pourquoi : " + why);
    (record.phones || []).forEach(function (p) { lines.push("Téléphone : " + p.number + (p.label ? " (" + p.label + ")" : "")); });
    if ((record.emails || []).length) lines.push("E-mail : " + record.emails.join(", "));
    (record.locations || []).forEach(function (l) {
      lines.push("Adresse : " + [l.name, l.street, l.po_box, [l.postal_code, l.commune].filter(Boolean).join(" ")].filter(Boolean).join(", "));
    });
    if (record.hours) lines.push("Horaires : " + record.hours);
    if (record.website) lines.push("Site web : " + record.website);
    if (record.eligibility) lines.push("Pour qui : " + record.eligibility);
    lines.push("Démarche et documents à apporter : " + (record.application || "non précisé dans les sources — se renseigner par téléphone."));
    if (record.fees) lines.push("Coûts : " + record.fees);
    if ((record.languages || []).length) lines.push("Langues : " + record.languages.join(", "));
    if ((record.unconfirmed || []).length) {
      lines.push("À confirmer : " + record.unconfirmed.map(function (f) { return FIELD_LABELS[f] || f; }).join(", "));
    }
    var checked = ASSURED_FIELDS.filter(function (f) {
      var v = record[f];
      return v !== null && v !== undefined && v !== "" && !(Array.isArray(v) && !v.length);
    }).map(function (f) { return (FIELD_LABELS[f] || f) + " " + assuredText(record, f); });
    if (checked.length) lines.push("Vérification des coordonnées : " + checked.join(" ; "));
    lines.push("Fiche écrite le " + record.last_verified + " (sources : " + (record.sources || []).join(" ; ") + ")");
    return lines.join("\n");
  }

  async function openDetail(id, why) {
    var section = $("detail");
    var status = $("detail-status");
    status.textContent = "";
    try {
      var record = await getJson("/v1/institutions/" + encodeURIComponent(id));
      current = { record: record, why: why };
      renderDetail(record);
      $("summary").value = summary(record, why);
      $("summary-print").textContent = $("summary").value;
      section.hidden = false;
      section.focus();
    } catch (err) {
      section.hidden = false;
      $("detail-body").textContent = "";
      status.textContent = "Fiche introuvable : " + err.message;
      section.focus();
    }
  }

  function copySummary() {
    return kase.copyFrom($("summary"), $("detail-status"), "Résumé copié dans le presse-papiers.");
  }

  /* A new case starts a new person: the last answer and question go with the old one. */
  function clearAsk() {
    $("answer").textContent = "";
    $("question").value = "";
    $("ask-commune").value = "";
    $("ask-status").textContent = "";
  }

  /* ---------- start ---------- */

  function loadConfig() {
    return getJson("/widget/config.json").then(function (c) {
      config = c;
      var select = $("category");
      Object.keys(c.categories).forEach(function (key) {
        select.appendChild(h("option", { value: key, text: c.categories[key] }));
      });
      var list = $("communes");
      c.communes.forEach(function (name) { list.appendChild(h("option", { value: name })); });
    }).catch(function () { /* filters stay free text */ });
  }

  function start() {
    $("signin").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var value = $("token").value.trim();
      if (!value) return;
      $("auth-status").textContent = "Vérification du jeton…";
      checkToken(value).then(function (valid) {
        if (!valid) {
          $("auth-status").textContent = "Jeton refusé : vérifiez-le (il ne donne pas accès aux sources internes).";
          $("token").select();
          return;
        }
        $("token").value = "";
        setToken(value);
        $("auth-status").textContent = "Connecté·e. Les questions incluent maintenant les sources internes.";
        $("signout").focus();
      }, function () {
        $("auth-status").textContent = "Le serveur ne répond pas : le jeton n’a pas pu être vérifié. Réessayez.";
      });
    });
    $("signout").addEventListener("click", function () {
      kase.reset();  // reads the token for the DELETE before it is dropped below
      setToken(null);
      $("auth-status").textContent = "Déconnecté·e. Seules les sources publiques sont utilisées.";
      $("token").focus();
    });
    $("search").addEventListener("submit", search);
    $("ask").addEventListener("submit", ask);
    $("copy").addEventListener("click", copySummary);
    $("print").addEventListener("click", function () {
      document.body.classList.remove("pro-print-case");
      if (current) window.print();
    });
    kase.init({ token: token, onReset: clearAsk });
    renderAuth();
    loadConfig().then(function () { document.body.setAttribute("data-ready", "true"); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
