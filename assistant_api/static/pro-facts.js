/*
 * Permanence — the data steward's page (/pro/facts): review the contact facts read on the
 * institutions' pages (accept / reject), and see where checking pays most.
 *
 * The steward token lives in sessionStorage only. Every value shown comes from crawled pages
 * or records, so it is inserted as text (textContent), never as HTML; a source link is only
 * made for http(s) URLs.
 */
(function () {
  "use strict";

  var TOKEN_KEY = "permanence.stewardToken";
  var REVIEWER_KEY = "permanence.stewardName";
  var FIELDS = { phone: "téléphone", email: "e-mail", address: "adresse", hours: "horaires",
    website: "site web", phones: "téléphones", emails: "e-mails" };
  var STATUSES = { "new": "nouvelle donnée", changed: "donnée changée",
    contradicted: "donnée contredite", no_longer_found: "plus trouvée sur la page" };
  var AGES = { current: "à jour", ageing: "vieillissante", stale: "ancienne",
    unknown: "date de vérification inconnue" };

  function $(id) { return document.getElementById(id); }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function stored(key) {
    try { return sessionStorage.getItem(key); } catch (e) { return null; }
  }

  function store(key, value) {
    try {
      if (value) sessionStorage.setItem(key, value); else sessionStorage.removeItem(key);
    } catch (e) { /* storage blocked: the page works for this load only */ }
  }

  var memoryToken = null;
  function token() { return stored(TOKEN_KEY) || memoryToken; }

  function showSignedIn(yes) {
    $("signin").hidden = yes;
    $("signed-in").hidden = !yes;
  }

  function signOut(message) {
    memoryToken = null;
    store(TOKEN_KEY, null);
    showSignedIn(false);
    $("auth-status").textContent = message || "";
    ["proposals", "worst", "used"].forEach(function (id) { $(id).textContent = ""; });
  }

  function call(method, path, body) {
    var headers = { "Accept": "application/json", "Authorization": "Bearer " + token() };
    if (body) headers["Content-Type"] = "application/json";
    return fetch(path, { method: method, headers: headers,
      body: body ? JSON.stringify(body) : undefined }).then(function (res) {
      if (res.status === 401) {
        signOut("Jeton refusé : connectez-vous avec un jeton de gestion des données.");
        throw new Error("unauthorized");
      }
      return res.json().catch(function () { return {}; }).then(function (data) {
        return { status: res.status, data: data };
      });
    });
  }

  function day(iso) { return iso ? String(iso).slice(0, 10) : ""; }

  function sourceLink(url) {
    if (!/^https?:\/\//i.test(url || "")) return document.createTextNode(url || "");
    return el("a", { href: url, rel: "noopener noreferrer", target: "_blank" }, [url]);
  }

  function renderProposal(p) {
    var li = el("li", { "class": "pro-result pro-proposal", "data-id": String(p.id),
      "data-field": p.field, "data-status": p.status, "data-decision": p.decision });
    li.appendChild(el("p", { "class": "pro-proposal-title" }, [
      el("strong", {}, [p.institution_id]), " · " + (FIELDS[p.field] || p.field) +
        " · " + (STATUSES[p.status] || p.status) + " · n° " + p.id]));
    var facts = el("dl", { "class": "pro-fields" }, []);
    facts.appendChild(el("dt", {}, ["Proposé"]));
    facts.appendChild(el("dd", { "class": "pro-value" }, [p.value === null ? "(retirer)" : p.value]));
    facts.appendChild(el("dt", {}, ["Dans la fiche"]));
    facts.appendChild(el("dd", { "class": "pro-current" }, [p.current_value === null ? "—" : p.current_value]));
    facts.appendChild(el("dt", {}, ["Page"]));
    facts.appendChild(el("dd", {}, [sourceLink(p.source_url),
      " (" + (p.page_date ? "datée du " + p.page_date + ", " : "") + "vue le " + day(p.seen_at) + ")"]));
    if (p.snippet) {
      facts.appendChild(el("dt", {}, ["Extrait"]));
      facts.appendChild(el("dd", { "class": "pro-snippet" }, [p.snippet]));
    }
    li.appendChild(facts);
    if (p.decision !== "pending") {
      li.appendChild(el("p", { "class": "pro-meta" }, [p.decision + " par " + (p.decided_by || "?") +
        " le " + day(p.decided_at) + (p.reason ? " : " + p.reason : "")]));
      return li;
    }
    var reasonId = "reason-" + p.id;
    var reason = el("input", { id: reasonId, "class": "pro-reason", maxlength: "1000" });
    var accept = el("button", { type: "button", "class": "pro-accept" }, ["Accepter"]);
    var reject = el("button", { type: "button", "class": "pro-reject" }, ["Refuser"]);
    accept.addEventListener("click", function () { decide(p, "accept", reason.value); });
    reject.addEventListener("click", function () { decide(p, "reject", reason.value); });
    li.appendChild(el("div", { "class": "pro-form pro-decide" }, [
      el("label", { "for": reasonId }, ["Motif (facultatif, gardé avec un refus)"]), reason,
      el("div", { "class": "pro-detail-actions" }, [accept, reject])]));
    return li;
  }

  function decide(p, action, reason) {
    var reviewer = $("reviewer").value.trim();
    if (!reviewer) {
      $("review-status").textContent = "Indiquez votre nom avant de décider.";
      $("reviewer").focus();
      return;
    }
    store(REVIEWER_KEY, reviewer);
    var body = { reviewer: reviewer, reason: reason.trim() || null };
    call("POST", "/v1/facts/proposals/" + p.id + "/" + action, body).then(function (r) {
      var done = action === "accept" ? "acceptée (fiche modifiée, datée d'aujourd'hui)" : "refusée";
      var messages = { 200: "Proposition n° " + p.id + " " + done + ".",
        404: "Proposition n° " + p.id + " introuvable.",
        409: "Proposition n° " + p.id + " déjà décidée par quelqu'un d'autre." };
      var text = messages[r.status] || ("Refusé par la fiche : " + (r.data.detail || r.status));
      if (r.status === 200 && r.data.sync_problem) text += " Attention : " + r.data.sync_problem;
      $("review-status").textContent = text;
      return loadAll();
    }).catch(function () { /* signed out above */ });
  }

  function loadProposals() {
    var params = new URLSearchParams();
    params.set("decision", $("decision").value);
    if ($("field").value) params.set("field", $("field").value);
    if ($("institution").value.trim()) params.set("institution", $("institution").value.trim());
    return call("GET", "/v1/facts/proposals?" + params.toString()).then(function (r) {
      var list = $("proposals");
      list.textContent = "";
      if (r.status !== 200) { $("review-status").textContent = "Liste indisponible (" + r.status + ")."; return; }
      r.data.proposals.forEach(function (p) { list.appendChild(renderProposal(p)); });
      $("proposals").setAttribute("data-count", String(r.data.count));
      if (!r.data.count) list.appendChild(el("li", { "class": "pro-meta" }, ["Aucune proposition."]));
    });
  }

  function renderInstitution(row, withAnswers) {
    var li = el("li", { "class": "pro-result pro-steward-row", "data-id": row.id }, [
      el("p", {}, [el("strong", {}, [row.name]), " (" + row.id + ")"])]);
    var ages = el("ul", { "class": "pro-ages" }, []);
    row.facts.forEach(function (f) {
      ages.appendChild(el("li", { "data-field": f.field, "data-age": f.status }, [
        (FIELDS[f.field] || f.field) + " : " + AGES[f.status] +
          (f.assured_date ? " (vérifié le " + f.assured_date + ")" : "")]));
    });
    row.missing.forEach(function (m) {
      ages.appendChild(el("li", { "data-field": m, "data-age": "missing" }, [(FIELDS[m] || m) + " : manque"]));
    });
    li.appendChild(ages);
    var meta = row.pending + " proposition(s) en attente";
    if (withAnswers) meta = row.answers + " réponse(s) · " + meta;
    li.appendChild(el("p", { "class": "pro-meta" }, [meta]));
    return li;
  }

  function loadStewardship() {
    return call("GET", "/v1/facts/stewardship").then(function (r) {
      if (r.status !== 200) return;
      var d = r.data;
      $("thresholds").textContent = "À jour jusqu'à " + d.current_days + " jours, vieillissante jusqu'à " +
        d.ageing_days + " jours, ancienne au-delà. " + d.pending_count + " proposition(s) en attente.";
      $("usage-note").textContent = d.usage_note + " (" + d.days + " derniers jours)";
      $("worst").textContent = "";
      d.oldest_or_missing.forEach(function (row) { $("worst").appendChild(renderInstitution(row, false)); });
      $("used").textContent = "";
      d.most_used.forEach(function (row) { $("used").appendChild(renderInstitution(row, true)); });
      if (!d.most_used.length) $("used").appendChild(el("li", { "class": "pro-meta" }, ["Aucune réponse enregistrée."]));
    });
  }

  function loadAll() {
    return Promise.all([loadProposals(), loadStewardship()]).catch(function () { /* signed out */ });
  }

  function init() {
    $("reviewer").value = stored(REVIEWER_KEY) || "";
    $("signin").addEventListener("submit", function (ev) {
      ev.preventDefault();
      memoryToken = $("token").value.trim();
      store(TOKEN_KEY, memoryToken);
      $("token").value = "";
      call("GET", "/v1/facts/proposals?decision=pending").then(function (r) {
        if (r.status !== 200) return;
        $("auth-status").textContent = "Connecté·e.";
        showSignedIn(true);
        return loadAll();
      }).catch(function () { /* refused: signOut said so */ });
    });
    $("signout").addEventListener("click", function () { signOut("Déconnecté·e."); });
    $("filters").addEventListener("submit", function (ev) { ev.preventDefault(); loadProposals(); });
    if (token()) { showSignedIn(true); loadAll(); } else { showSignedIn(false); }
    document.body.setAttribute("data-ready", "true");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
