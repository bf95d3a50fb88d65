/*
 * The referral case of the console (/pro): the questions asked for one person and, for each,
 * the institutions the professional kept, summarised as one note to copy or print.
 *
 * Why in the page: a case holds a person's situation, so it is never sent to the server beyond
 * what a question already sends. It lives in sessionStorage (gone when the tab closes) and the
 * server only keeps the conversation (30 minutes after the last question, in memory), whose id
 * is sent with each next question so that follow-ups ("et à Cernier ?") are read with the
 * earlier turns. "Nouveau dossier" and signing out forget both at once.
 *
 * Loaded after widget.js (window.PermanenceKit) and before pro.js, which calls it.
 */
(function () {
  "use strict";

  var kit = window.PermanenceKit;
  var h = kit.h;
  var CASE_KEY = "permanence.proCase";
  var DAY_MS = 86400000;

  var state = load();
  var lastText = "";      // the summary as last generated (to know whether it was edited)
  var options = { token: function () { return null; }, onReset: function () {} };

  function $(id) { return document.getElementById(id); }

  function empty() { return { conversation_id: null, needs: [] }; }

  function load() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(CASE_KEY) || "null");
      if (saved && Array.isArray(saved.needs)) {
        // A damaged id would make every question fail (the API checks its form): drop it.
        if (!/^[A-Za-z0-9_-]{16,64}$/.test(String(saved.conversation_id))) saved.conversation_id = null;
        return saved;
      }
    } catch (e) { /* storage blocked or damaged: start an empty case */ }
    return empty();
  }

  function save() {
    try {
      if (state.needs.length || state.conversation_id) sessionStorage.setItem(CASE_KEY, JSON.stringify(state));
      else sessionStorage.removeItem(CASE_KEY);
    } catch (e) { /* storage blocked: the case lives in this page only */ }
  }

  function needOf(needId) {
    return state.needs.filter(function (n) { return n.id === needId; })[0] || null;
  }

  function numberOf(need) { return state.needs.indexOf(need) + 1; }

  function displayName(card) {
    return card.name + (card.acronym && card.name.indexOf(card.acronym) < 0 ? " (" + card.acronym + ")" : "");
  }

  function isKept(needId, institutionId) {
    var need = needOf(needId);
    return !!need && need.kept.some(function (k) { return k.id === institutionId; });
  }

  /* ---------- dates ---------- */

  /** "il y a 3 jours": a source's age tells the reader how much to trust a phone number. */
  function ageText(iso) {
    var at = Date.parse(iso);
    if (isNaN(at)) return "";
    var days = Math.floor((Date.now() - at) / DAY_MS);
    if (days < 1) return "aujourd'hui";
    if (days < 60) return "il y a " + days + (days > 1 ? " jours" : " jour");
    if (days < 730) return "il y a " + Math.floor(days / 30.44) + " mois";
    return "il y a " + Math.floor(days / 365.25) + " ans";
  }

  function dated(iso) {
    if (!iso) return "date de relevé inconnue";
    var age = ageText(iso);
    return "relevée le " + String(iso).slice(0, 10) + (age ? ", " + age : "");
  }

  /* ---------- the case ---------- */

  /** A card as kept: what the answer showed, with the sources it cited (url and date). */
  function keptCard(card, citations) {
    return {
      id: card.id, name: card.name, acronym: card.acronym || null, why: card.why || "",
      phones: card.phones || [], emails: card.emails || [], address: card.address || null,
      website: card.website || null, hours: card.hours || null, note: card.note || null,
      sources: (card.citations || []).map(function (n) { return citations[n]; }).filter(Boolean)
        .map(function (c) { return { title: c.title, url: c.url, fetched_at: c.fetched_at || null }; })
    };
  }

  /**
   * Records a question and its answer in the case; returns the need's id (the answer id).
   * Also says whether the server still had the conversation: when it did not (expired after
   * 30 minutes, or signed in or out since), the question was read on its own.
   */
  function addQuestion(question, result) {
    var sent = state.conversation_id;
    state.conversation_id = result.conversation_id || null;
    state.needs.push({
      id: result.answer_id, question: question, commune: result.commune || null,
      kept: [], asked_at: new Date().toISOString()
    });
    save();
    render();
    return {
      id: result.answer_id, number: state.needs.length,
      continued: !!sent && sent === result.conversation_id, wasOpen: !!sent
    };
  }

  function toggle(needId, card, citations) {
    var need = needOf(needId);
    if (!need) return;
    var name = displayName(card);
    if (isKept(needId, card.id)) {
      need.kept = need.kept.filter(function (k) { return k.id !== card.id; });
      say("Retiré du dossier : " + name + " (question " + numberOf(need) + ").");
    } else {
      var kept = keptCard(card, citations);
      need.kept.push(kept);
      say("Ajouté au dossier : " + name + " (question " + numberOf(need) + ").");
      addDetails(kept);
    }
    save();
    render();
  }

  /** Adds from the institution's file what the answer card leaves out: how to apply and what
      to bring (the next thing the person asks), and when the file was written. */
  function addDetails(kept) {
    kept.details = "pending";
    var headers = Object.assign({ Accept: "application/json" }, authHeaders());
    kit.fetchPolitely("/v1/institutions/" + encodeURIComponent(kept.id), { headers: headers })
      .then(function (res) { return res.ok ? res.json() : null; })
      .catch(function () { return null; })
      .then(function (record) {
        kept.details = record ? "loaded" : "failed";
        if (record) {
          kept.application = record.application || null;
          kept.last_verified = record.last_verified || null;
        }
        save();
        render();
      });
  }

  /** The "add to case" button of an answer's card; its label follows the case. */
  function keepButton(needId, card, citations) {
    var button = h("button", { type: "button", class: "pro-keep", "data-need": needId, "data-id": card.id });
    button.addEventListener("click", function () { toggle(needId, card, citations); });
    labelKeep(button, displayName(card));
    return button;
  }

  function labelKeep(button, name) {
    var kept = isKept(button.getAttribute("data-need"), button.getAttribute("data-id"));
    var need = needOf(button.getAttribute("data-need"));
    button.disabled = !need;
    button.textContent = kept ? "Retirer du dossier" : "Ajouter au dossier";
    button.setAttribute("aria-label", button.textContent + " : " + (name || button.getAttribute("data-name") || ""));
    button.setAttribute("data-name", name || button.getAttribute("data-name") || "");
    button.setAttribute("data-kept", kept ? "true" : "false");
  }

  function say(text) { $("case-status").textContent = text; }

  /* ---------- panel ---------- */

  function render() {
    var list = $("case-needs");
    list.textContent = "";
    $("case-empty").hidden = state.needs.length > 0;
    state.needs.forEach(function (need, i) {
      var n = i + 1;
      var heading = h("h3", { id: "case-need-" + n, tabindex: "-1", text: "Question " + n });
      var kept = h("ul", { class: "pro-kept", "aria-labelledby": "case-need-" + n });
      need.kept.forEach(function (card) {
        var remove = h("button", {
          type: "button", class: "pro-remove", "data-need": need.id, "data-id": card.id,
          "aria-label": "Retirer " + displayName(card) + " du dossier (question " + n + ")"
        }, ["Retirer"]);
        remove.addEventListener("click", function () {
          toggle(need.id, card, {});
          var again = $("case-need-" + n);
          if (again) again.focus();
        });
        kept.appendChild(h("li", { "data-id": card.id, "data-details": card.details || "failed" }, [h("span", { text: displayName(card) }), " ", remove]));
      });
      list.appendChild(h("li", { class: "pro-need", "data-need": need.id }, [
        heading,
        h("p", { class: "pro-need-q", text: need.question }),
        need.commune ? h("p", { class: "pro-meta", text: "Commune : " + need.commune }) : null,
        need.kept.length ? kept : h("p", { class: "pro-meta", text: "Aucune institution retenue : utilisez « Ajouter au dossier » sous une réponse." })
      ]));
    });
    Array.prototype.forEach.call(document.querySelectorAll(".pro-keep"), function (b) { labelKeep(b, null); });
    var area = $("case-summary");
    var fresh = summary();
    if (area.value === lastText) {
      area.value = fresh;
      $("case-refresh").hidden = true;
    } else if (fresh !== lastText) {
      $("case-refresh").hidden = false;  // edited by hand: never overwritten without asking
    }
    lastText = fresh;
    $("case-actions").hidden = !state.needs.length;
  }

  /* ---------- summary ---------- */

  /** The whole case as one plain-text note: per need, the doors kept and how to reach them. */
  function summary() {
    if (!state.needs.length) return "";
    var today = new Date().toISOString().slice(0, 10);
    var lines = ["Dossier d'orientation — résumé du " + today, ""];
    state.needs.forEach(function (need, i) {
      lines.push("Besoin " + (i + 1) + " : " + need.question + (need.commune ? " (commune : " + need.commune + ")" : ""));
      if (!need.kept.length) lines.push("  Aucune institution retenue pour ce besoin.");
      need.kept.forEach(function (card) {
        lines.push("- " + displayName(card));
        if (card.why) lines.push("  Pour ce besoin : " + card.why);
        if (card.phones.length) lines.push("  Téléphone : " + card.phones.join(" ; "));
        if (card.emails.length) lines.push("  E-mail : " + card.emails.join(", "));
        if (card.address) lines.push("  Adresse : " + card.address);
        if (card.website) lines.push("  Site web : " + card.website);
        lines.push("  Horaires : " + (card.hours || "non précisés dans les sources — se renseigner par téléphone."));
        if (card.application) lines.push("  Démarche et documents à apporter : " + card.application);
        if (card.note) lines.push("  Attention : " + card.note);
        if (!card.sources.length) lines.push("  Source : aucune citée dans la réponse — voir la fiche de l'institution.");
        card.sources.forEach(function (s) {
          lines.push("  Source : " + s.title + " — " + (kit.safeUrl(s.url, location.origin) || s.url) + " (" + dated(s.fetched_at) + ")");
        });
        if (card.last_verified) lines.push("  Fiche de l'institution écrite le " + card.last_verified);
      });
      lines.push("");
    });
    lines.push("Coordonnées telles que relevées dans les sources aux dates indiquées : à vérifier avant de transmettre.");
    return lines.join("\n");
  }

  /* ---------- copy, print, new case ---------- */

  /** Copies an editable area's text; selects it for Ctrl+C when the clipboard is refused. */
  async function copyFrom(area, status, done) {
    try {
      await navigator.clipboard.writeText(area.value);
      status.textContent = done;
    } catch (e) {
      area.focus();
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e2) { ok = false; }
      status.textContent = ok ? done : "Copie automatique impossible : le texte est sélectionné, copiez-le avec Ctrl+C.";
    }
  }

  function printCase() {
    $("case-print").textContent = $("case-summary").value;
    document.body.classList.add("pro-print-case");
    window.print();
  }

  function authHeaders() {
    var tok = options.token();
    return tok ? { Authorization: "Bearer " + tok } : {};
  }

  /** Forgets the case here and its conversation on the server (at once, not in 30 minutes). */
  async function reset() {
    var id = state.conversation_id;
    if (!id && !state.needs.length) return;  // nothing to forget (signing out of an empty case)
    state = empty();
    save();
    lastText = "";
    $("case-summary").value = "";
    render();
    if (options.onReset) options.onReset();
    if (!id) { say("Nouveau dossier ouvert."); return; }
    try {
      var res = await kit.fetchPolitely("/v1/conversations/" + encodeURIComponent(id), { method: "DELETE", headers: authHeaders() });
      say(res.status === 204 ? "Nouveau dossier ouvert : la conversation précédente est effacée du serveur."
        : res.status === 404 ? "Nouveau dossier ouvert (la conversation précédente avait déjà expiré sur le serveur)."
          : "Nouveau dossier ouvert, mais le serveur n'a pas effacé la conversation : elle expire 30 minutes après la dernière question.");
    } catch (e) {
      say("Nouveau dossier ouvert, mais le serveur ne répond pas : la conversation expire 30 minutes après la dernière question.");
    }
  }

  function init(opts) {
    options = opts;
    $("case-new").addEventListener("click", function () { reset().then(function () { $("question").focus(); }); });
    $("case-copy").addEventListener("click", function () { copyFrom($("case-summary"), $("case-status"), "Résumé du dossier copié dans le presse-papiers."); });
    $("case-print-button").addEventListener("click", printCase);
    $("case-refresh").addEventListener("click", function () {
      $("case-summary").value = lastText = summary();
      $("case-refresh").hidden = true;
      say("Résumé mis à jour (vos modifications sont remplacées).");
    });
    window.addEventListener("afterprint", function () { document.body.classList.remove("pro-print-case"); });
    render();
  }

  window.PermanenceCase = {
    init: init,
    conversationId: function () { return state.conversation_id; },
    addQuestion: addQuestion,
    keepButton: keepButton,
    reset: reset,
    copyFrom: copyFrom,
    summary: summary
  };
})();
