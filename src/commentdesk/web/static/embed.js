/* commentdesk comment section.
 *
 * On a publisher's page: <div id="commentdesk"></div>
 *   <script src="https://HOST/static/embed.js" data-site="SLUG" data-url="ARTICLE URL" async></script>
 * builds the whole section from the public API. With data-reader-token="JWT" (signed by the
 * publisher for its signed-in reader, docs/sso.md) the reader comments as that account. On commentdesk's own article pages it enhances
 * the server-rendered section (section.cd[data-article-id]) instead: same markup, same classes.
 *
 * User text only ever goes into the page through textContent; the one exception is a comment's
 * `html`, which the server has already passed through an allow-list sanitiser.
 */
(function () {
  "use strict";

  const script = document.currentScript || document.querySelector('script[src*="/static/embed.js"]');
  if (!script) return;
  const BASE = new URL(script.src, location.href).origin;
  const NOTICE = N_("Comments are moderated and generally will be posted if they are on-topic and not abusive.");
  const REASONS = [["abusive", N_("Abusive or hateful")], ["off_topic", N_("Off-topic")], ["spam", N_("Spam or advertising")], ["other", N_("Something else")]];
  const UNITS = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400], ["hour", 3600], ["minute", 60]];
  const DELETED = N_("Comment deleted");
  // The page's language: data-lang, else <html lang>; when neither names one the server chooses
  // (the site's default, then the browser's). See docs/languages.md.
  const PAGE_LANG = (script.dataset.lang || document.documentElement.lang || "").trim().slice(0, 35);
  let language = "en";
  let direction = "ltr";
  let messages = {};
  let uid = 0;
  // Whether this server e-mails readers about replies (the thread's article says so).
  let mailOffered = false;
  // The signed-in reader (publisher sign-in): { session, name, email }, or null for a guest;
  // email: "verified" or "known" when the publisher's token carried an address, else "".
  let reader = null;

  // --- words in the reader's language -----------------------------------------------------

  // Marks a string for the catalogue where it is defined; t() translates it where it is shown.
  function N_(text) { return text; }

  // The translation of an English string, with %(name)s placeholders filled in.
  function t(text, values) {
    let words = messages[text] || text;
    for (const [name, value] of Object.entries(values || {})) words = words.split("%(" + name + ")s").join(String(value));
    return words;
  }

  // A translated sentence with an element (a name) in the place of its %(name)s placeholder.
  function around(sentence, name, node) {
    const [before, after] = sentence.split("%(" + name + ")s");
    return [before, node, after === undefined ? null : after];
  }

  function replyingTo(node) { return around(t("Replying to %(name)s"), "name", node); }

  // Every answer the API words (outcomes, errors) comes in the reader's language. English goes
  // unsaid: the API's addresses stay as they were for English pages.
  function withLanguage(path) {
    return language === "en" ? path : path + (path.includes("?") ? "&" : "?") + "lang=" + encodeURIComponent(language);
  }

  function formatNumber(value) {
    try { return new Intl.NumberFormat(language).format(value); } catch (unsupported) { return String(value); }
  }

  async function loadLanguage(site) {
    if (/^en\b/i.test(PAGE_LANG)) return;  // English is this file's own
    const query = new URLSearchParams();
    if (PAGE_LANG) query.set("lang", PAGE_LANG);
    if (site) query.set("site", site);
    try {
      const response = await fetch(BASE + "/api/v1/i18n?" + query);
      if (!response.ok) return;
      const catalogue = await response.json();
      language = catalogue.language;
      direction = catalogue.direction;
      messages = catalogue.messages || {};
    } catch (networkError) { /* English, as shipped in this file */ }
  }

  // --- small helpers ------------------------------------------------------------------------

  function h(tag, props, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value == null || value === false) continue;
      if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of [].concat(children || [])) if (child != null) node.append(child);
    return node;
  }

  // Same steps as the server's relative times (commentdesk.web.timefmt); both word them from CLDR.
  function relativeTime(iso) {
    const when = Date.parse(String(iso).replace(/(\.\d{3})\d+/, "$1"));
    const seconds = (Date.now() - when) / 1000;
    if (!(seconds >= 60)) return t("just now");
    for (const [name, size] of UNITS) {
      if (seconds >= size) {
        const count = Math.floor(seconds / size);
        try {
          return new Intl.RelativeTimeFormat(language, { numeric: "always" }).format(-count, name);
        } catch (unsupported) {
          return count + " " + name + (count === 1 ? "" : "s") + " ago";
        }
      }
    }
    return t("just now");
  }

  function refreshTimes(root) {
    root.querySelectorAll("time.cd-time[datetime]").forEach((node) => { node.textContent = relativeTime(node.getAttribute("datetime")); });
  }

  async function api(path, options) {
    let response;
    try {
      response = await fetch(BASE + "/api/v1" + withLanguage(path), options);
    } catch (networkError) {
      throw Object.assign(new Error(t("Could not reach the comment service. Please try again.")), { fields: {} });
    }
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const error = (body && body.error) || {};
      throw Object.assign(new Error(error.message || t("Something went wrong. Please try again.")), { fields: error.fields || {} });
    }
    return body;
  }

  // --- what this browser keeps: a guest's first-party token, the edit tokens of own comments ---

  function stored(key, fallback) {
    try { return JSON.parse(localStorage.getItem(key)) ?? fallback; } catch (unavailable) { return fallback; }
  }

  function store(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (unavailable) { /* private mode: nothing kept */ }
  }

  // Random, made here, kept in this site's storage: a ban of a guest covers it (with the address).
  function guestToken() {
    let token = stored("commentdesk.guest", null);
    if (typeof token !== "string" || !/^[A-Za-z0-9_-]{22,64}$/.test(token)) {
      const bytes = crypto.getRandomValues(new Uint8Array(24));
      token = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
      store("commentdesk.guest", token);
    }
    return token;
  }

  const EDITS_KEY = "commentdesk.edits:" + BASE;

  // comment id -> { token, until } for the comments posted from this browser, while they may change.
  function editTokens() {
    const now = Date.now();
    const kept = {};
    for (const [id, entry] of Object.entries(stored(EDITS_KEY, {}))) {
      if (entry && typeof entry.token === "string" && Date.parse(entry.until) > now) kept[id] = entry;
    }
    return kept;
  }

  function rememberEdit(result) {
    if (!result.edit_token || !result.editable_until) return;
    const tokens = editTokens();
    tokens[result.comment.id] = { token: result.edit_token, until: result.editable_until };
    store(EDITS_KEY, tokens);
  }

  function forgetEdit(commentId) {
    const tokens = editTokens();
    delete tokens[commentId];
    store(EDITS_KEY, tokens);
  }

  function authorship(commentId) {
    const entry = editTokens()[commentId];
    const who = {};
    if (entry) who.edit_token = entry.token;
    if (reader) who.reader_session = reader.session;
    return who;
  }

  function postJSON(path, data) {
    return api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(data) });
  }

  function say(region, message, kind) {
    region.className = region.className.replace(/\s*cd-status--\S+/g, "") + (kind ? " cd-status--" + kind : "");
    region.textContent = message;
  }

  // One outcome message at a time in a section: a new one clears those shown before it
  // (under the main form, under a reply form, or at the top after a reply).
  function announce(section, region, message, kind) {
    section.querySelectorAll(".cd-status, .cd-form-status").forEach((other) => { if (other !== region) say(other, ""); });
    say(region, message, kind);
  }

  // Worded like the no-JavaScript page (reader.outcome_message).
  function outcomeMessage(result) {
    const detail = (result.reasons || []).map((reason) => reason.message).filter(Boolean).join(" ");
    if (result.outcome === "published") return t("Your comment is published.");
    if (!detail) return result.message;
    return result.outcome === "held" ? t("Your comment is held for review: %(reasons)s", { reasons: detail })
      : t("Your comment was not published: %(reasons)s", { reasons: detail });
  }

  // --- markup (kept in step with templates/comments/*.html) ---------------------------------

  function reportNode(commentId) {
    const choices = REASONS.map(([code, label]) =>
      h("label", { class: "cd-choice" }, [h("input", { type: "radio", name: "reason", value: code, required: true }), " " + t(label)]));
    return h("details", { class: "cd-report" }, [
      h("summary", { text: t("Report") }),
      h("form", { class: "cd-report-form", method: "post", action: BASE + "/comments/" + commentId + "/report", "data-comment-id": commentId }, [
        h("fieldset", {}, [h("legend", { text: t("Why should a moderator look at this comment?") })].concat(choices)),
        h("button", { type: "submit", class: "cd-button cd-button--quiet", text: t("Send report") }),
      ]),
      illegalContentLink(commentId),
    ]);
  }

  // --- EU Digital Services Act: the notice form and the statement of reasons -------------------

  // The notice of illegal content asks for more than a report (ground, explanation, contact,
  // good faith): it is the server's own page, which also works without JavaScript.
  function illegalContentLink(commentId) {
    return h("a", { class: "cd-illegal", href: BASE + "/comments/" + commentId + "/notice", target: "_blank", rel: "noopener", text: t("Report illegal content") });
  }

  // With a rejection: who decided (automatically or a moderator), the reasons when the outcome
  // names none, and how to appeal.
  function showStatement(region, result) {
    const statement = result.statement;
    if (!statement) return;
    const redress = statement.redress || {};
    const reasons = (result.reasons || []).length ? [] : statement.reasons.map((reason) => reason.message);
    const words = reasons.concat([statement.decided_by, redress.text]).filter(Boolean).join(" ");
    region.append(h("span", { class: "cd-statement", text: " " + words }));
    if (redress.url) region.append(" ", h("a", { class: "cd-redress", href: redress.url, target: "_blank", rel: "noopener", text: t("How to appeal") }));
  }

  function ownActions(commentId) {
    if (!editTokens()[commentId]) return null;
    return h("span", { class: "cd-own" }, [
      h("button", { type: "button", class: "cd-edit cd-button cd-button--quiet", "data-comment-id": commentId, text: t("Edit") }), " ",
      h("button", { type: "button", class: "cd-delete cd-button cd-button--quiet", "data-comment-id": commentId, text: t("Delete") }),
    ]);
  }

  function commentNode(comment, isReply, open) {
    const classes = "cd-comment" + (isReply ? " cd-comment--reply" : "") + (comment.deleted ? " cd-comment--deleted" : "");
    const attributes = { class: classes, id: "comment-" + comment.id, "data-comment-id": comment.id, tabindex: "-1" };
    if (comment.deleted) {
      return h("article", attributes, [h("p", { class: "cd-body cd-deleted", text: t(DELETED) })]);
    }
    const body = h("div", { class: "cd-body", dir: "auto" });
    body.innerHTML = comment.html; // sanitised server-side
    return h("article", attributes, [
      h("header", { class: "cd-meta" }, [
        h("span", { class: "cd-author", dir: "auto", text: comment.author.name }), " ",
        h("time", { class: "cd-time", datetime: comment.created_at, text: relativeTime(comment.created_at) }),
        comment.edited ? h("span", { class: "cd-edited", text: " · " + t("edited") }) : null,
      ]),
      comment.parent ? h("p", { class: "cd-replying" }, replyingTo(h("a", { href: "#comment-" + comment.parent.id, dir: "auto", text: comment.parent.author_name }))) : null,
      body,
      h("div", { class: "cd-actions" }, [
        open ? h("a", { class: "cd-reply", href: "#comment-" + comment.id, "data-comment-id": comment.id, text: t("Reply") }) : null, " ",
        ownActions(comment.id), " ",
        reportNode(comment.id),
      ]),
    ]);
  }

  function moreRepliesButton(rootId, cursor) {
    return h("button", { type: "button", class: "cd-more-replies cd-button cd-button--quiet", "data-root-id": rootId, "data-cursor": cursor, text: t("More replies") });
  }

  function threadNode(comment, open) {
    const replies = h("ol", { class: "cd-replies" }, (comment.replies || []).map((reply) => h("li", { class: "cd-reply-item" }, commentNode(reply, true, open))));
    return h("li", { class: "cd-thread" }, [
      commentNode(comment, false, open), replies,
      comment.more_replies_cursor ? moreRepliesButton(comment.id, comment.more_replies_cursor) : null,
    ]);
  }

  function formNode(parent) {
    const n = ++uid;
    const field = (control, label, hint) => h("div", { class: "cd-field" }, [
      h("label", { for: control.id }, [t(label), hint ? h("span", { class: "cd-hint", text: " " + t(hint) }) : null]), control,
    ]);
    const email = field(h("input", { id: "cd-email-" + n, name: "author_email", type: "email", maxlength: 254, autocomplete: "email" }), N_("Email"), N_("(optional, never shown)"));
    const identity = reader
      // A signed-in reader types an address only for e-mail, and only when the publisher gave none.
      ? [h("p", { class: "cd-signed-in" }, around(t("Commenting as %(name)s"), "name", h("strong", { dir: "auto", text: reader.name }))),
        mailOffered && !reader.email ? email : null]
      : [field(h("input", { id: "cd-name-" + n, name: "author_name", type: "text", required: true, maxlength: 60, autocomplete: "name", dir: "auto" }), N_("Name")), email];
    if (mailOffered) identity.push(notifyNode(n, reader && reader.email === "verified"));
    return h("form", { class: "cd-form" + (parent ? " cd-form--reply" : ""), "data-parent-id": parent ? parent.id : null }, [
      h("h3", { class: "cd-form-title", text: parent ? t("Write a reply") : t("Join the conversation") }),
      parent ? h("p", { class: "cd-replying" }, replyingTo(h("span", { dir: "auto", text: parent.name }))) : null,
      ...identity,
      field(h("textarea", { id: "cd-text-" + n, name: "text", rows: parent ? 3 : 5, required: true, maxlength: 5000, dir: "auto" }), parent ? N_("Reply") : N_("Comment")),
      h("div", { class: "cd-form-actions" }, [
        h("button", { type: "submit", class: "cd-button cd-submit", text: parent ? t("Post reply") : t("Post comment") }),
        parent ? h("button", { type: "button", class: "cd-button cd-button--quiet cd-cancel", text: t("Cancel") }) : null,
      ]),
      h("p", { class: "cd-form-status", role: "status", "aria-live": "polite" }),
    ]);
  }

  // `verified`: the publisher vouched for the signed-in reader's address, so no confirmation is asked.
  function notifyNode(n, verified) {
    const hint = verified ? t("(to the address of your account)") : t("(we ask you to confirm first)");
    return h("div", { class: "cd-field cd-field--check" }, [
      h("input", { id: "cd-notify-" + n, name: "notify", type: "checkbox" }),
      h("label", { for: "cd-notify-" + n }, [t("E-mail me about replies and the moderators' decision"), h("span", { class: "cd-hint", text: " " + hint })]),
    ]);
  }

  function sectionNode(thread, site) {
    mailOffered = Boolean(thread.article.email_notifications);
    const open = thread.comments_open;
    return h("section", { class: "cd", lang: language, dir: direction, "aria-labelledby": "cd-heading", "data-article-id": thread.article.id, "data-next-cursor": thread.next_cursor || "", "data-comments-open": String(open) }, [
      h("h2", { class: "cd-heading", id: "cd-heading", text: t("COMMENTS (%(count)s)", { count: formatNumber(thread.total) }) }),
      h("div", { class: "cd-status", role: "status", "aria-live": "polite" }),
      h("p", { class: "cd-notice" }, [t(NOTICE) + " ", h("a", { href: BASE + "/faq?site=" + encodeURIComponent(site) + (language === "en" ? "" : "&lang=" + language), text: t("Comments FAQ") })]),
      open ? formNode(null) : h("p", { class: "cd-closed", text: t("Comments are closed on this article.") }),
      h("ol", { class: "cd-list" }, thread.comments.map((comment) => threadNode(comment, open))),
      thread.comments.length ? null : h("p", { class: "cd-empty", text: t("No comments yet.") }),
      thread.next_cursor ? h("button", { type: "button", class: "cd-more cd-button", text: t("VIEW MORE COMMENTS") }) : null,
    ]);
  }

  // --- behaviour ----------------------------------------------------------------------------

  function isOpen(section) { return section.dataset.commentsOpen !== "false"; }

  function clearErrors(form) {
    form.querySelectorAll(".cd-error").forEach((node) => node.remove());
    form.querySelectorAll("[aria-invalid]").forEach((node) => { node.removeAttribute("aria-invalid"); node.removeAttribute("aria-describedby"); });
  }

  function showErrors(form, fields) {
    let first = null;
    for (const [name, message] of Object.entries(fields || {})) {
      const control = form.elements[name];
      if (!control || !control.id) continue;
      const note = h("p", { class: "cd-error", id: control.id + "-error", text: message });
      control.after(note);
      control.setAttribute("aria-invalid", "true");
      control.setAttribute("aria-describedby", note.id);
      first = first || control;
    }
    if (first) first.focus();
  }

  function bumpCount(section, by) {
    const heading = section.querySelector(".cd-heading");
    const count = parseInt(heading.textContent.replace(/\D/g, ""), 10) || 0;
    heading.textContent = t("COMMENTS (%(count)s)", { count: formatNumber(Math.max(0, count + (by || 1))) });
  }

  function insertComment(section, comment) {
    const open = isOpen(section);
    if (comment.parent) {
      const parent = section.querySelector("#comment-" + comment.parent.id);
      const replies = parent && parent.closest(".cd-thread").querySelector(".cd-replies");
      if (replies) { const node = commentNode(comment, true, open); replies.append(h("li", { class: "cd-reply-item" }, node)); return node; }
      return null;
    }
    const item = threadNode(comment, open);
    section.querySelector(".cd-list").prepend(item);
    const empty = section.querySelector(".cd-empty");
    if (empty) empty.remove();
    return item.querySelector(".cd-comment");
  }

  async function submitComment(section, form) {
    const data = new FormData(form);
    const parentId = form.dataset.parentId || data.get("parent_id");
    const payload = { author_name: String(data.get("author_name") || ""), text: String(data.get("text") || "") };
    const email = String(data.get("author_email") || "").trim();
    if (email) payload.author_email = email;
    if (data.get("notify")) payload.notify = true;
    if (reader) { payload.reader_session = reader.session; payload.author_name = reader.name; }
    else payload.guest_token = guestToken();
    if (parentId) payload.parent_id = Number(parentId);
    // First attempt asks to be warned about fixable problems; sending again after a warning
    // (edited or not) carries its token, so the comment is then stored whatever it says.
    if (form.dataset.nudgeToken) payload.nudge_token = form.dataset.nudgeToken;
    else payload.nudge = true;
    const status = form.querySelector(".cd-form-status");
    const button = form.querySelector(".cd-submit");
    clearErrors(form);
    button.disabled = true;
    form.setAttribute("aria-busy", "true");
    announce(section, status, t("Sending…"));
    try {
      const result = await postJSON("/articles/" + section.dataset.articleId + "/comments", payload);
      if (result.outcome === "nudge") {
        form.dataset.nudgeToken = result.nudge_token;
        announce(section, status, result.message, "nudge");
        form.elements.text.focus();
        return;
      }
      delete form.dataset.nudgeToken;
      rememberEdit(result);
      const message = outcomeMessage(result);
      if (result.outcome !== "rejected") form.elements.text.value = "";
      if (result.outcome === "published") {
        const node = insertComment(section, result.comment);
        bumpCount(section);
        if (parentId && form.classList.contains("cd-form--reply")) {
          // The reply form goes away: announce in the section's live region and move focus to the reply.
          announce(section, section.querySelector(".cd-status"), message, "published");
          closeReply(form, node);
          return;
        }
      }
      announce(section, status, message, result.outcome);
      showStatement(status, result);
      if (result.outcome === "checking") awaitDecision(section, status, result.outcome_url);
    } catch (error) {
      announce(section, status, error.message, "error");
      showErrors(form, error.fields);
    } finally {
      button.disabled = false;
      form.removeAttribute("aria-busy");
    }
  }

  // A comment stored while the server was busy is decided a moment later: ask until it is,
  // less often as time goes by, then show the outcome (and the comment, once published).
  async function awaitDecision(section, region, outcomeUrl) {
    const giveUpAt = Date.now() + 10 * 60 * 1000;
    for (let delay = 1000; Date.now() < giveUpAt; delay = Math.min(delay * 1.5, 15000)) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      let result = null;
      try {
        const response = await fetch(BASE + withLanguage(outcomeUrl));
        if (response.ok) result = await response.json();
      } catch (networkError) {
        continue;  // offline for a moment: ask again later
      }
      if (!result || result.outcome === "checking") continue;
      if (result.outcome === "published" && result.comment && !section.querySelector("#comment-" + result.comment.id)) {
        insertComment(section, result.comment);
        bumpCount(section);
      }
      announce(section, region, outcomeMessage(result), result.outcome);
      showStatement(region, result);
      return;
    }
  }

  function openReply(section, link) {
    const comment = link.closest(".cd-comment");
    const existing = comment.nextElementSibling;
    if (existing && existing.matches(".cd-form--reply")) { existing.elements.text.focus(); return; }
    const form = formNode({ id: comment.dataset.commentId, name: comment.querySelector(".cd-author").textContent });
    const main = section.querySelector(".cd-form:not(.cd-form--reply)");
    const named = form.elements.author_name;  // absent for a signed-in reader
    // Carry over what the reader already typed as their name and e-mail.
    for (const name of ["author_name", "author_email"]) {
      if (main && form.elements[name] && main.elements[name]) form.elements[name].value = main.elements[name].value;
    }
    comment.after(form);
    link.setAttribute("aria-expanded", "true");
    (named && !named.value ? named : form.elements.text).focus();
  }

  function closeReply(form, focusTarget) {
    const comment = form.previousElementSibling;
    const link = comment && comment.querySelector(".cd-reply");
    if (link) link.setAttribute("aria-expanded", "false");
    form.remove();
    (focusTarget || link || comment).focus();
  }

  async function viewMore(section, control) {
    const cursor = section.dataset.nextCursor;
    if (!cursor || control.getAttribute("aria-busy") === "true") return;
    control.setAttribute("aria-busy", "true");
    try {
      const thread = await api("/articles/" + section.dataset.articleId + "/comments?cursor=" + encodeURIComponent(cursor));
      const fresh = thread.comments.filter((comment) => !section.querySelector("#comment-" + comment.id));
      const nodes = fresh.map((comment) => threadNode(comment, thread.comments_open));
      section.querySelector(".cd-list").append(...nodes);
      section.dataset.nextCursor = thread.next_cursor || "";
      if (!thread.next_cursor) control.remove();
      if (nodes.length) nodes[0].querySelector(".cd-comment").focus();
    } catch (error) {
      say(section.querySelector(".cd-status"), error.message, "error");
    } finally {
      control.removeAttribute("aria-busy");
    }
  }

  async function moreReplies(section, button) {
    button.disabled = true;
    try {
      const page = await api("/comments/" + button.dataset.rootId + "/replies?cursor=" + encodeURIComponent(button.dataset.cursor));
      const list = button.closest(".cd-thread").querySelector(".cd-replies");
      const nodes = page.replies.filter((reply) => !section.querySelector("#comment-" + reply.id)).map((reply) => commentNode(reply, true, isOpen(section)));
      nodes.forEach((node) => list.append(h("li", { class: "cd-reply-item" }, node)));
      if (page.next_cursor) { button.dataset.cursor = page.next_cursor; button.disabled = false; } else button.remove();
      if (nodes.length) nodes[0].focus();
    } catch (error) {
      button.disabled = false;
      say(section.querySelector(".cd-status"), error.message, "error");
    }
  }

  // --- the author's own comment: edit in place, delete ---------------------------------------

  function openEdit(section, button) {
    const comment = button.closest(".cd-comment");
    if (comment.querySelector(".cd-edit-form")) return;
    const body = comment.querySelector(".cd-body");
    const n = ++uid;
    const text = h("textarea", { id: "cd-edit-" + n, name: "text", rows: 4, required: true, maxlength: 5000, dir: "auto" });
    text.value = body.innerText.trim();
    const form = h("form", { class: "cd-edit-form", "data-comment-id": comment.dataset.commentId }, [
      h("div", { class: "cd-field" }, [h("label", { for: text.id, text: t("Edit your comment") }), text]),
      h("div", { class: "cd-form-actions" }, [
        h("button", { type: "submit", class: "cd-button cd-save", text: t("Save changes") }), " ",
        h("button", { type: "button", class: "cd-button cd-button--quiet cd-cancel-edit", text: t("Cancel") }),
      ]),
      h("p", { class: "cd-form-status", role: "status", "aria-live": "polite" }),
    ]);
    body.hidden = true;
    body.after(form);
    text.focus();
  }

  function closeEdit(form) {
    const comment = form.closest(".cd-comment");
    comment.querySelector(".cd-body").hidden = false;
    form.remove();
    comment.focus();
  }

  async function saveEdit(section, form) {
    const commentId = form.dataset.commentId;
    const status = form.querySelector(".cd-form-status");
    const button = form.querySelector(".cd-save");
    button.disabled = true;
    announce(section, status, t("Saving…"));
    try {
      const result = await postJSON("/comments/" + commentId + "/edit", Object.assign({ text: form.elements.text.value }, authorship(commentId)));
      const comment = form.closest(".cd-comment");
      const region = section.querySelector(".cd-status");
      if (result.outcome === "published") {
        comment.querySelector(".cd-body").innerHTML = result.comment.html; // sanitised server-side
        const meta = comment.querySelector(".cd-meta");
        if (!meta.querySelector(".cd-edited")) meta.append(h("span", { class: "cd-edited", text: " · " + t("edited") }));
        closeEdit(form);
        announce(section, region, t("Your comment is updated."), "published");
      } else {
        // No longer shown to readers until a moderator decides: it leaves the thread here too.
        removeComment(section, comment, false);
        announce(section, region, outcomeMessage(result).replace(t("Your comment"), t("Your edited comment")), result.outcome);
      }
    } catch (error) {
      button.disabled = false;
      announce(section, status, error.message, "error");
    }
  }

  function askDelete(button) {
    const own = button.closest(".cd-own");
    if (own.querySelector(".cd-confirm-delete")) return;
    const confirm = h("span", { class: "cd-confirm" }, [
      t("Delete this comment?") + " ",
      h("button", { type: "button", class: "cd-button cd-confirm-delete", "data-comment-id": button.dataset.commentId, text: t("Yes, delete") }), " ",
      h("button", { type: "button", class: "cd-button cd-button--quiet cd-keep", text: t("Keep it") }),
    ]);
    own.append(confirm);
    confirm.querySelector(".cd-confirm-delete").focus();
  }

  async function confirmDelete(section, button) {
    const commentId = button.dataset.commentId;
    button.disabled = true;
    try {
      const result = await postJSON("/comments/" + commentId + "/delete", authorship(commentId));
      forgetEdit(commentId);
      removeComment(section, button.closest(".cd-comment"), true);
      announce(section, section.querySelector(".cd-status"), result.message, "published");
    } catch (error) {
      button.disabled = false;
      say(section.querySelector(".cd-status"), error.message, "error");
    }
  }

  // A comment that others answered leaves a marker so their replies keep their place.
  function removeComment(section, comment, deleted) {
    const id = comment.dataset.commentId;
    const thread = comment.closest(".cd-thread");
    const isRoot = !comment.classList.contains("cd-comment--reply");
    const answered = isRoot ? thread.querySelector(".cd-replies .cd-comment") : section.querySelector('.cd-replying a[href="#comment-' + id + '"]');
    bumpCount(section, -1);
    if (answered && deleted) {
      comment.classList.add("cd-comment--deleted");
      comment.replaceChildren(h("p", { class: "cd-body cd-deleted", text: t(DELETED) }));
    } else if (answered) {
      comment.replaceChildren(h("p", { class: "cd-body cd-deleted", text: t("This comment is waiting for a moderator.") }));
    } else {
      (isRoot ? thread : comment.closest(".cd-reply-item")).remove();
    }
    section.querySelector(".cd-status").focus();
  }

  async function sendReport(form) {
    const choice = form.querySelector("input[name=reason]:checked");
    let status = form.querySelector(".cd-form-status");
    if (!status) { status = h("p", { class: "cd-form-status", role: "status", "aria-live": "polite" }); form.append(status); }
    if (!choice) { say(status, t("Please choose a reason."), "error"); return; }
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const result = await postJSON("/comments/" + form.dataset.commentId + "/reports", { reason: choice.value });
      const done = h("p", { class: "cd-report-done", tabindex: "-1", text: result.message });
      form.replaceWith(done);
      done.focus();
    } catch (error) {
      button.disabled = false;
      say(status, error.message, "error");
    }
  }

  function enhance(section) {
    if (section.dataset.enhanced) return;
    section.dataset.enhanced = "true";
    section.querySelectorAll(".cd-more-replies[hidden]").forEach((button) => { button.hidden = false; });
    section.addEventListener("click", (event) => {
      const target = event.target.closest("a, button");
      if (!target || !section.contains(target)) return;
      if (target.matches(".cd-reply")) { event.preventDefault(); openReply(section, target); }
      else if (target.matches(".cd-more")) { event.preventDefault(); viewMore(section, target); }
      else if (target.matches(".cd-more-replies")) moreReplies(section, target);
      else if (target.matches(".cd-cancel")) closeReply(target.closest("form"));
      else if (target.matches(".cd-edit")) openEdit(section, target);
      else if (target.matches(".cd-cancel-edit")) closeEdit(target.closest("form"));
      else if (target.matches(".cd-delete")) askDelete(target);
      else if (target.matches(".cd-confirm-delete")) confirmDelete(section, target);
      else if (target.matches(".cd-keep")) { const own = target.closest(".cd-own"); target.closest(".cd-confirm").remove(); own.querySelector(".cd-delete").focus(); }
    });
    section.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && event.target.closest(".cd-form--reply")) closeReply(event.target.closest(".cd-form--reply"));
    });
    section.addEventListener("submit", (event) => {
      const form = event.target;
      if (form.matches(".cd-form")) { event.preventDefault(); submitComment(section, form); }
      else if (form.matches(".cd-edit-form")) { event.preventDefault(); saveEdit(section, form); }
      else if (form.matches(".cd-report-form")) { event.preventDefault(); sendReport(form); }
    });
    // On commentdesk's own page the server rendered the comments: offer Edit and Delete on those
    // this browser posted, while it still may.
    section.querySelectorAll(".cd-comment:not(.cd-comment--deleted) .cd-actions").forEach((actions) => {
      const own = ownActions(actions.closest(".cd-comment").dataset.commentId);
      if (own && !actions.querySelector(".cd-own")) actions.querySelector(".cd-report").before(own, " ");
    });
    refreshTimes(section);
    setInterval(() => refreshTimes(section), 60000);
  }

  // The publisher's token is exchanged once for a session of this server (each token works once).
  async function signIn(site) {
    const token = script.dataset.readerToken;
    if (!token) return;
    try {
      const result = await postJSON("/reader/session", { site: site, reader_token: token });
      reader = { session: result.reader_session, name: result.name, email: result.email_verified ? "verified" : result.email_known ? "known" : "" };
    } catch (error) {
      reader = null; // an expired or refused token: the reader can still comment as a guest where the site allows
    }
  }

  async function embed(host) {
    const site = script.dataset.site || "";
    const canonical = document.querySelector('link[rel="canonical"]');
    const url = script.dataset.url || (canonical && canonical.href) || location.href.split("#")[0];
    const stylesheet = BASE + "/static/commentdesk.css";
    if (!document.querySelector('link[href="' + stylesheet + '"]')) document.head.append(h("link", { rel: "stylesheet", href: stylesheet }));
    await loadLanguage(site);
    host.replaceChildren(h("p", { class: "cd-loading", lang: language, dir: direction, text: t("Loading comments…") }));
    try {
      await signIn(site);
      const article = await api("/articles/lookup?site=" + encodeURIComponent(site) + "&url=" + encodeURIComponent(url));
      const thread = await api("/articles/" + article.id + "/comments");
      const section = sectionNode(thread, site);
      host.replaceChildren(section);
      enhance(section);
    } catch (error) {
      host.replaceChildren(h("p", { class: "cd-unavailable", lang: language, dir: direction, text: t("Comments are not available for this page.") }));
    }
  }

  function start() {
    const own = document.querySelector("section.cd[data-article-id]");
    if (own) {
      // A reader signed in on this server's own page: the page carries their session.
      if (own.dataset.readerSession) reader = { session: own.dataset.readerSession, name: own.dataset.readerName || "", email: own.dataset.readerEmail || "" };
      // Reply forms offer e-mail as the server-rendered form does.
      mailOffered = own.dataset.emailNotifications === "true";
      // The server rendered the page in its language; the embed's own words follow it.
      loadLanguage("").finally(() => enhance(own));
      return;
    }
    const host = document.getElementById(script.dataset.target || "commentdesk");
    if (host) embed(host);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
