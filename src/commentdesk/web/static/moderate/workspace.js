// Keyboard-first moderation: one key per decision, the next comment in focus at once.
// Decisions are sent in the background; a card leaves the list when the server confirms it,
// and comes back (with the error shown) if the server refuses. No framework, no network but ours.
(function () {
  "use strict";

  var workspace = document.getElementById("workspace");
  var list = document.getElementById("cards");
  if (!workspace || !list) return;

  var csrf = document.body.getAttribute("data-csrf") || "";
  var queue = workspace.getAttribute("data-queue") || "";
  var filters = JSON.parse(workspace.getAttribute("data-filters") || "{}");
  var single = list.hasAttribute("data-single");
  var statusLine = document.getElementById("status");
  var undoButton = document.getElementById("undo");
  var selectAll = document.getElementById("select-all");
  var selectedCount = document.getElementById("selected-count");
  var bulkReason = document.getElementById("bulk-reason");
  var banDialog = document.getElementById("ban-dialog");
  var shortcuts = document.getElementById("shortcuts");
  var reasonCodes = ["abusive", "off_topic", "spam", "other"];

  // The script's words in the page's language: a JSON block the page renders (web/moderate/script_messages.py).
  var words = { language: "en", messages: {}, plurals: {}, reasons: {} };
  try {
    var block = document.getElementById("workspace-messages");
    if (block) words = JSON.parse(block.textContent);
  } catch (ignored) { /* a page without the block keeps the English below */ }
  var numbers = new Intl.NumberFormat(words.language);
  var pluralRules = new Intl.PluralRules(words.language);

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values || {}, name) ? String(values[name]) : whole;
    });
  }

  // t("key", "English fallback", {name: value}): a sentence; tn(...) with `num`: its plural form.
  function t(key, fallback, values) {
    return fill((words.messages && words.messages[key]) || fallback, values);
  }

  function tn(key, fallbacks, count, values) {
    var forms = (words.plurals && words.plurals[key]) || {};
    var template = forms[pluralRules.select(count)] || forms.other || (count === 1 ? fallbacks[0] : fallbacks[1]);
    return fill(template, Object.assign({ num: numbers.format(count) }, values || {}));
  }

  function reasonWords(code) {
    return (words.reasons && words.reasons[code]) || code.replace("_", "-");
  }

  var current = null;        // the card in focus
  var lastEventIds = [];     // the last decision, for undo
  var inFlight = 0;
  var countsSequence = 0;    // answers can arrive out of order; only the newest counts are shown
  var countsShown = 0;
  var eventsSequence = 0;    // likewise, undo targets the decision made last, not the one answered last
  var lastDecision = Promise.resolve();

  function cards() {
    return Array.prototype.slice.call(list.querySelectorAll("article.card"));
  }

  function live() {
    return cards().filter(function (card) { return !card.classList.contains("busy"); });
  }

  function say(text, isError) {
    if (!statusLine) return;
    statusLine.textContent = text;
    statusLine.classList.toggle("error", !!isError);
  }

  function focusCard(card) {
    if (current) current.classList.remove("current");
    current = card || null;
    if (!current) return;
    current.classList.add("current");
    current.focus({ preventScroll: true });
    current.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var open = live();
    if (!open.length) return;
    var at = open.indexOf(current);
    var next = at === -1 ? 0 : Math.min(Math.max(at + step, 0), open.length - 1);
    focusCard(open[next]);
  }

  // The card to focus after `leaving` go: the next one still open, else the previous one.
  function after(leaving) {
    var all = cards();
    var at = all.indexOf(leaving[leaving.length - 1]);
    for (var i = at + 1; i < all.length; i++) {
      if (!all[i].classList.contains("busy") && leaving.indexOf(all[i]) === -1) return all[i];
    }
    for (var j = at - 1; j >= 0; j--) {
      if (!all[j].classList.contains("busy") && leaving.indexOf(all[j]) === -1) return all[j];
    }
    return null;
  }

  function selected() {
    return cards().filter(function (card) {
      var box = card.querySelector("input.select");
      return box && box.checked && !card.classList.contains("busy");
    });
  }

  function updateSelected() {
    if (selectedCount) selectedCount.textContent = tn("selected", ["%(num)s selected", "%(num)s selected"], selected().length);
  }

  // `data.counts` are every queue's totals (the navigation's badges, whatever the filters);
  // `data.filtered_counts` are what this page's filters leave (the heading's badge).
  function setCounts(data, sequence) {
    if (!data || !data.counts || sequence < countsShown) return;
    countsShown = sequence;
    [["data-count", data.counts], ["data-filtered-count", data.filtered_counts || data.counts]].forEach(function (pair) {
      Object.keys(pair[1]).forEach(function (name) {
        document.querySelectorAll("[" + pair[0] + '="' + name + '"]').forEach(function (element) {
          element.textContent = String(pair[1][name]);
        });
      });
    });
  }

  // A message that outlives a reload of the page (after an undo the queue is drawn again).
  var FLASH_KEY = "commentdesk.moderate.status";

  function sayAfterReload(text) {
    try { window.sessionStorage.setItem(FLASH_KEY, text); } catch (ignored) { /* private mode: the reload just loses it */ }
  }

  function showFlash() {
    var text = null;
    try {
      text = window.sessionStorage.getItem(FLASH_KEY);
      window.sessionStorage.removeItem(FLASH_KEY);
    } catch (ignored) { /* storage unavailable */ }
    if (text) say(text);
  }

  function post(url, body) {
    // The answer's messages (an undo's summary) in the page's language, not the browser's.
    var worded = url + (url.indexOf("?") < 0 ? "?" : "&") + "lang=" + encodeURIComponent(words.language);
    return fetch(worded, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var message = (data && data.error && data.error.message) || t("server_answered", "The server answered %(status)s.", { status: response.status });
          throw new Error(message);
        }
        return data;
      });
    });
  }

  var DECIDED = {
    approve: ["approved", ["Approved %(num)s comment. Press u to undo.", "Approved %(num)s comments. Press u to undo."]],
    restore: ["restored", ["Restored %(num)s comment. Press u to undo.", "Restored %(num)s comments. Press u to undo."]],
    reject: ["rejected", ["Rejected %(num)s comment as %(reason)s. Press u to undo.", "Rejected %(num)s comments as %(reason)s. Press u to undo."]]
  };

  function decide(action, targets, reason) {
    targets = targets.filter(function (card) { return !card.classList.contains("busy"); });
    if (!targets.length) return;
    if (action === "approve" && targets.every(function (card) { return card.getAttribute("data-status") === "rejected"; })) {
      action = "restore";
    }
    var next = after(targets);
    targets.forEach(function (card) {
      card.classList.add("busy");
      card.setAttribute("aria-busy", "true");
      var box = card.querySelector("input.select");
      if (box) box.checked = false;
    });
    if (targets.indexOf(current) !== -1 || !current) focusCard(next);
    updateSelected();
    inFlight++;
    var sequence = ++countsSequence;
    var ids = targets.map(function (card) { return Number(card.getAttribute("data-id")); });
    var body = { action: action, ids: ids, filters: filters };
    if (action === "reject") body.reason = reason;
    lastDecision = post("/moderate/api/decisions", body).then(function (data) {
      if (sequence >= eventsSequence) {
        eventsSequence = sequence;
        lastEventIds = data.event_ids || [];
      }
      if (undoButton) undoButton.disabled = !lastEventIds.length;
      setCounts(data, sequence);
      var decided = DECIDED[action];
      say(tn(decided[0], decided[1], ids.length, { reason: action === "reject" ? reasonWords(reason) : "" }));
      if (single) {
        window.location.reload();
        return;
      }
      targets.forEach(function (card) { card.remove(); });
    }).catch(function (error) {
      targets.forEach(function (card) {
        card.classList.remove("busy");
        card.removeAttribute("aria-busy");
      });
      say(t("not_saved", "Not saved: %(error)s", { error: error.message }), true);
    }).then(function () {
      inFlight--;
      refillWhenEmpty();
    });
  }

  // When every shown card is decided, fetch the next page of the queue (if there is one).
  function refillWhenEmpty() {
    if (single || inFlight || cards().length) return;
    var remaining = document.querySelector('.queue-main h1 [data-filtered-count="' + queue + '"]');
    if (remaining && Number(remaining.textContent) > 0) {
      window.location.reload();
    } else {
      var empty = document.getElementById("empty");
      var more = document.getElementById("more");
      if (empty) empty.hidden = false;
      if (more) more.hidden = true;
    }
  }

  function undo() {
    // A decision still on its way is the one to undo: wait for its answer first.
    lastDecision.then(undoLast);
  }

  function undoLast() {
    if (!lastEventIds.length) { say(t("nothing_to_undo", "Nothing to undo.")); return; }
    var ids = lastEventIds;
    lastEventIds = [];
    if (undoButton) undoButton.disabled = true;
    post("/moderate/api/undo", { event_ids: ids, filters: filters }).then(function (data) {
      var message = (data && data.message) || t("undone", "Undone.");
      say(message);
      // The undone comments come back: draw the page again, and keep the message across it.
      sayAfterReload(message);
      window.location.reload();
    }).catch(function (error) {
      say(t("could_not_undo", "Could not undo: %(error)s", { error: error.message }), true);
    });
  }

  function reasonOf(card) {
    var select = card && card.querySelector("select.reject-reason");
    return select ? select.value : "other";
  }

  function targetsFor(card) {
    var many = selected();
    if (many.length) return { cards: many, reason: bulkReason ? bulkReason.value : reasonOf(many[0]) };
    return card ? { cards: [card], reason: reasonOf(card) } : { cards: [], reason: "other" };
  }

  function chooseReason(code) {
    if (selected().length && bulkReason) {
      bulkReason.value = code;
    } else if (current) {
      var select = current.querySelector("select.reject-reason");
      if (select) select.value = code;
    }
    say(t("reason_chosen", "Reason: %(reason)s.", { reason: reasonWords(code) }));
  }

  function toggleSelect(card) {
    var box = card && card.querySelector("input.select");
    if (!box) return;
    box.checked = !box.checked;
    card.classList.toggle("picked", box.checked);
    updateSelected();
  }

  function setAll(checked) {
    live().forEach(function (card) {
      var box = card.querySelector("input.select");
      if (box) box.checked = checked;
      card.classList.toggle("picked", checked);
    });
    if (selectAll) selectAll.checked = checked;
    updateSelected();
  }

  function openBan(card) {
    if (!card || !banDialog) return;
    var commenterId = card.getAttribute("data-commenter");
    var name = card.querySelector(".author");
    banDialog.querySelector(".ban-name").textContent = name ? name.textContent : "";
    var form = banDialog.querySelector("form");
    form.reset();
    banDialog.returnValue = "";
    banDialog.onclose = function () {
      if (banDialog.returnValue !== "ban") { focusCard(card); return; }
      var data = new FormData(form);
      post("/moderate/api/commenters/" + commenterId + "/ban", {
        length: String(data.get("length")),
        reason: String(data.get("reason") || ""),
        reject_pending: data.get("reject_pending") === "1"
      }).then(function (answer) {
        var who = name ? name.textContent : t("the_commenter", "the commenter");
        say(answer.permanent ? t("banned", "Banned %(name)s.", { name: who }) : t("suspended", "Suspended %(name)s.", { name: who }));
        if (data.get("reject_pending") === "1") {
          // Their held comments were rejected with the ban: take them off a held list.
          var gone = cards().filter(function (other) {
            return other.getAttribute("data-commenter") === commenterId && other.getAttribute("data-status") === "pending";
          });
          if (gone.length) {
            var next = after(gone);
            gone.forEach(function (other) { other.remove(); });
            focusCard(next);
          }
        }
        return fetch("/moderate/api/counts?" + new URLSearchParams(filters).toString(), {
          credentials: "same-origin", headers: { "X-CSRF-Token": csrf }
        }).then(function (response) { return response.json(); }).then(function (counts) {
          setCounts(counts, ++countsSequence);
          refillWhenEmpty();
        });
      }).catch(function (error) { say(t("ban_not_saved", "Ban not saved: %(error)s", { error: error.message }), true); });
    };
    banDialog.showModal();
  }

  function openLink(card, selector) {
    var link = card && card.querySelector(selector);
    if (link) window.location.href = link.getAttribute("href");
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    // Keys type as usual in text fields and menus; checkboxes and buttons keep the shortcuts.
    var typing = target && (target.isContentEditable || target.tagName === "TEXTAREA" || target.tagName === "SELECT" ||
      (target.tagName === "INPUT" && target.type !== "checkbox"));
    if (typing) return;
    if (banDialog && banDialog.open) return;
    var key = event.key;
    var handled = true;
    if (key === "j") move(1);
    else if (key === "k") move(-1);
    else if (key === "a") { var approve = targetsFor(current); decide("approve", approve.cards); }
    else if (key === "r") { var reject = targetsFor(current); decide("reject", reject.cards, reject.reason); }
    else if (key === "u") undo();
    else if (key === "x") toggleSelect(current);
    else if (key === "X") setAll(selected().length === 0);
    else if (key === "b") openBan(current);
    else if (key === "o") openLink(current, ".permalink");
    else if (key === "c") openLink(current, ".author");
    else if (key === "?") { if (shortcuts) shortcuts.classList.toggle("hidden"); }
    else if (key >= "1" && key <= "4") chooseReason(reasonCodes[Number(key) - 1]);
    else handled = false;
    if (handled) event.preventDefault();
  });

  list.addEventListener("click", function (event) {
    var card = event.target.closest("article.card");
    if (!card) return;
    var button = event.target.closest("button[data-do]");
    if (button) {
      var action = button.getAttribute("data-do");
      if (action === "ban") openBan(card);
      else decide(action, [card], reasonOf(card));
      return;
    }
    if (event.target.matches("input.select")) {
      card.classList.toggle("picked", event.target.checked);
      updateSelected();
    }
    if (!event.target.closest("a, select, input, button")) focusCard(card);
  });

  document.querySelectorAll("button[data-bulk]").forEach(function (button) {
    button.addEventListener("click", function () {
      var many = selected();
      if (!many.length) { say(t("select_first", "Select comments first (x, or the boxes).")); return; }
      decide(button.getAttribute("data-bulk"), many, bulkReason ? bulkReason.value : "other");
    });
  });
  if (selectAll) selectAll.addEventListener("change", function () { setAll(selectAll.checked); });
  if (undoButton) undoButton.addEventListener("click", undo);

  showFlash();
  focusCard(live()[0]);
  workspace.classList.add("ready");
})();
