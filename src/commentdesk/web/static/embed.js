/* commentdesk comment section.
 *
 * On a publisher's page: <div id="commentdesk"></div>
 *   <script src="https://HOST/static/embed.js" data-site="SLUG" data-url="ARTICLE URL" async></script>
 * builds the whole section from the public API. On commentdesk's own article pages it enhances
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
  const NOTICE = "Comments are moderated and generally will be posted if they are on-topic and not abusive.";
  const REASONS = [["abusive", "Abusive or hateful"], ["off_topic", "Off-topic"], ["spam", "Spam or advertising"], ["other", "Something else"]];
  const UNITS = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400], ["hour", 3600], ["minute", 60]];
  let uid = 0;
  // Whether this server e-mails readers about replies (the thread's article says so).
  let mailOffered = false;

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

  // Same rules as the server's relative times (commentdesk.web.timefmt).
  function relativeTime(iso) {
    const when = Date.parse(String(iso).replace(/(\.\d{3})\d+/, "$1"));
    const seconds = (Date.now() - when) / 1000;
    if (!(seconds >= 60)) return "just now";
    for (const [name, size] of UNITS) {
      if (seconds >= size) {
        const count = Math.floor(seconds / size);
        return count + " " + name + (count === 1 ? "" : "s") + " ago";
      }
    }
    return "just now";
  }

  function refreshTimes(root) {
    root.querySelectorAll("time.cd-time[datetime]").forEach((node) => { node.textContent = relativeTime(node.getAttribute("datetime")); });
  }

  async function api(path, options) {
    let response;
    try {
      response = await fetch(BASE + "/api/v1" + path, options);
    } catch (networkError) {
      throw Object.assign(new Error("Could not reach the comment service. Please try again."), { fields: {} });
    }
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const error = (body && body.error) || {};
      throw Object.assign(new Error(error.message || "Something went wrong. Please try again."), { fields: error.fields || {} });
    }
    return body;
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
    if (result.outcome === "published") return "Your comment is published.";
    if (!detail) return result.message;
    return (result.outcome === "held" ? "Your comment is held for review: " : "Your comment was not published: ") + detail;
  }

  // --- markup (kept in step with templates/comments/*.html) ---------------------------------

  function reportNode(commentId) {
    const choices = REASONS.map(([code, label]) =>
      h("label", { class: "cd-choice" }, [h("input", { type: "radio", name: "reason", value: code, required: true }), " " + label]));
    return h("details", { class: "cd-report" }, [
      h("summary", { text: "Report" }),
      h("form", { class: "cd-report-form", method: "post", action: BASE + "/comments/" + commentId + "/report", "data-comment-id": commentId }, [
        h("fieldset", {}, [h("legend", { text: "Why should a moderator look at this comment?" })].concat(choices)),
        h("button", { type: "submit", class: "cd-button cd-button--quiet", text: "Send report" }),
      ]),
      illegalContentLink(commentId),
    ]);
  }

  // --- EU Digital Services Act: the notice form and the statement of reasons -------------------

  // The notice of illegal content asks for more than a report (ground, explanation, contact,
  // good faith): it is the server's own page, which also works without JavaScript.
  function illegalContentLink(commentId) {
    return h("a", { class: "cd-illegal", href: BASE + "/comments/" + commentId + "/notice", target: "_blank", rel: "noopener", text: "Report illegal content" });
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
    if (redress.url) region.append(" ", h("a", { class: "cd-redress", href: redress.url, target: "_blank", rel: "noopener", text: "How to appeal" }));
  }

  function commentNode(comment, isReply, open) {
    const body = h("div", { class: "cd-body", dir: "auto" });
    body.innerHTML = comment.html; // sanitised server-side
    return h("article", { class: "cd-comment" + (isReply ? " cd-comment--reply" : ""), id: "comment-" + comment.id, "data-comment-id": comment.id, tabindex: "-1" }, [
      h("header", { class: "cd-meta" }, [
        h("span", { class: "cd-author", dir: "auto", text: comment.author.name }), " ",
        h("time", { class: "cd-time", datetime: comment.created_at, text: relativeTime(comment.created_at) }),
      ]),
      comment.parent ? h("p", { class: "cd-replying" }, ["Replying to ", h("a", { href: "#comment-" + comment.parent.id, dir: "auto", text: comment.parent.author_name })]) : null,
      body,
      h("div", { class: "cd-actions" }, [
        open ? h("a", { class: "cd-reply", href: "#comment-" + comment.id, "data-comment-id": comment.id, text: "Reply" }) : null, " ",
        reportNode(comment.id),
      ]),
    ]);
  }

  function moreRepliesButton(rootId, cursor) {
    return h("button", { type: "button", class: "cd-more-replies cd-button cd-button--quiet", "data-root-id": rootId, "data-cursor": cursor, text: "More replies" });
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
      h("label", { for: control.id }, [label, hint ? h("span", { class: "cd-hint", text: " " + hint }) : null]), control,
    ]);
    return h("form", { class: "cd-form" + (parent ? " cd-form--reply" : ""), "data-parent-id": parent ? parent.id : null }, [
      h("h3", { class: "cd-form-title", text: parent ? "Write a reply" : "Join the conversation" }),
      parent ? h("p", { class: "cd-replying" }, ["Replying to ", h("span", { dir: "auto", text: parent.name })]) : null,
      field(h("input", { id: "cd-name-" + n, name: "author_name", type: "text", required: true, maxlength: 60, autocomplete: "name", dir: "auto" }), "Name"),
      field(h("input", { id: "cd-email-" + n, name: "author_email", type: "email", maxlength: 254, autocomplete: "email" }), "Email", "(optional, never shown)"),
      mailOffered ? notifyNode(n) : null,
      field(h("textarea", { id: "cd-text-" + n, name: "text", rows: parent ? 3 : 5, required: true, maxlength: 5000, dir: "auto" }), parent ? "Reply" : "Comment"),
      h("div", { class: "cd-form-actions" }, [
        h("button", { type: "submit", class: "cd-button cd-submit", text: parent ? "Post reply" : "Post comment" }),
        parent ? h("button", { type: "button", class: "cd-button cd-button--quiet cd-cancel", text: "Cancel" }) : null,
      ]),
      h("p", { class: "cd-form-status", role: "status", "aria-live": "polite" }),
    ]);
  }

  function notifyNode(n) {
    return h("div", { class: "cd-field cd-field--check" }, [
      h("input", { id: "cd-notify-" + n, name: "notify", type: "checkbox" }),
      h("label", { for: "cd-notify-" + n }, ["E-mail me about replies and the moderators' decision", h("span", { class: "cd-hint", text: " (we ask you to confirm first)" })]),
    ]);
  }

  function sectionNode(thread, site) {
    mailOffered = Boolean(thread.article.email_notifications);
    const open = thread.comments_open;
    return h("section", { class: "cd", "aria-labelledby": "cd-heading", "data-article-id": thread.article.id, "data-next-cursor": thread.next_cursor || "", "data-comments-open": String(open) }, [
      h("h2", { class: "cd-heading", id: "cd-heading", text: "COMMENTS (" + thread.total + ")" }),
      h("div", { class: "cd-status", role: "status", "aria-live": "polite" }),
      h("p", { class: "cd-notice" }, [NOTICE + " ", h("a", { href: BASE + "/faq?site=" + encodeURIComponent(site), text: "Comments FAQ" })]),
      open ? formNode(null) : h("p", { class: "cd-closed", text: "Comments are closed on this article." }),
      h("ol", { class: "cd-list" }, thread.comments.map((comment) => threadNode(comment, open))),
      thread.comments.length ? null : h("p", { class: "cd-empty", text: "No comments yet." }),
      thread.next_cursor ? h("button", { type: "button", class: "cd-more cd-button", text: "VIEW MORE COMMENTS" }) : null,
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

  function bumpCount(section) {
    const heading = section.querySelector(".cd-heading");
    const count = parseInt(heading.textContent.replace(/\D/g, ""), 10) || 0;
    heading.textContent = "COMMENTS (" + (count + 1) + ")";
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
    announce(section, status, "Sending…");
    try {
      const result = await postJSON("/articles/" + section.dataset.articleId + "/comments", payload);
      if (result.outcome === "nudge") {
        form.dataset.nudgeToken = result.nudge_token;
        announce(section, status, result.message, "nudge");
        form.elements.text.focus();
        return;
      }
      delete form.dataset.nudgeToken;
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
        const response = await fetch(BASE + outcomeUrl);
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
    if (main) { // carry over what the reader already typed as their name and e-mail
      form.elements.author_name.value = main.elements.author_name.value;
      form.elements.author_email.value = main.elements.author_email.value;
    }
    comment.after(form);
    link.setAttribute("aria-expanded", "true");
    (form.elements.author_name.value ? form.elements.text : form.elements.author_name).focus();
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

  async function sendReport(form) {
    const choice = form.querySelector("input[name=reason]:checked");
    let status = form.querySelector(".cd-form-status");
    if (!status) { status = h("p", { class: "cd-form-status", role: "status", "aria-live": "polite" }); form.append(status); }
    if (!choice) { say(status, "Please choose a reason.", "error"); return; }
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
    });
    section.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && event.target.closest(".cd-form--reply")) closeReply(event.target.closest(".cd-form--reply"));
    });
    section.addEventListener("submit", (event) => {
      const form = event.target;
      if (form.matches(".cd-form")) { event.preventDefault(); submitComment(section, form); }
      else if (form.matches(".cd-report-form")) { event.preventDefault(); sendReport(form); }
    });
    refreshTimes(section);
    setInterval(() => refreshTimes(section), 60000);
  }

  async function embed(host) {
    const site = script.dataset.site || "";
    const canonical = document.querySelector('link[rel="canonical"]');
    const url = script.dataset.url || (canonical && canonical.href) || location.href.split("#")[0];
    const stylesheet = BASE + "/static/commentdesk.css";
    if (!document.querySelector('link[href="' + stylesheet + '"]')) document.head.append(h("link", { rel: "stylesheet", href: stylesheet }));
    host.replaceChildren(h("p", { class: "cd-loading", text: "Loading comments…" }));
    try {
      const article = await api("/articles/lookup?site=" + encodeURIComponent(site) + "&url=" + encodeURIComponent(url));
      const thread = await api("/articles/" + article.id + "/comments");
      const section = sectionNode(thread, site);
      host.replaceChildren(section);
      enhance(section);
    } catch (error) {
      host.replaceChildren(h("p", { class: "cd-unavailable", text: "Comments are not available for this page." }));
    }
  }

  function start() {
    const own = document.querySelector("section.cd[data-article-id]");
    if (own) { enhance(own); return; }
    const host = document.getElementById(script.dataset.target || "commentdesk");
    if (host) embed(host);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
