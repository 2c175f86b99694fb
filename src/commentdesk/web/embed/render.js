// Markup of the comment section, its comments and forms (kept in step with templates/comments/*.html).

const NOTICE = N_("Comments are moderated and generally will be posted if they are on-topic and not abusive.");
const REASONS = [["abusive", N_("Abusive or hateful")], ["off_topic", N_("Off-topic")], ["spam", N_("Spam or advertising")], ["other", N_("Something else")]];
const DELETED = N_("Comment deleted");
// A top-level comment taken out of view by moderation after readers answered it: its place stays.
const REMOVED = N_("Comment removed by a moderator");
const WAITING = N_("This comment is waiting for a moderator.");

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

// The notice of illegal content asks for more than a report (ground, explanation, contact,
// good faith): it is the server's own page, which also works without JavaScript.
function illegalContentLink(commentId) {
  return h("a", { class: "cd-illegal", href: BASE + "/comments/" + commentId + "/notice", target: "_blank", rel: "noopener", text: t("Report illegal content") });
}

function ownActions(commentId) {
  if (!editTokens()[commentId]) return null;
  return h("span", { class: "cd-own" }, [
    h("button", { type: "button", class: "cd-edit cd-button cd-button--quiet", "data-comment-id": commentId, text: t("Edit") }), " ",
    h("button", { type: "button", class: "cd-delete cd-button cd-button--quiet", "data-comment-id": commentId, text: t("Delete") }),
  ]);
}

function commentNode(comment, isReply, open) {
  const placeholder = comment.deleted ? DELETED : { rejected: REMOVED, pending: WAITING }[comment.status] || null;
  const classes = "cd-comment" + (isReply ? " cd-comment--reply" : "") + (placeholder ? " cd-comment--deleted" : "");
  const attributes = { class: classes, id: "comment-" + comment.id, "data-comment-id": comment.id, tabindex: "-1" };
  if (placeholder) {
    return h("article", attributes, [h("p", { class: "cd-body cd-deleted", text: t(placeholder) })]);
  }
  const body = h("div", { class: "cd-body", dir: "auto" });
  setServerHTML(body, comment.html);
  return h("article", attributes, [
    h("header", { class: "cd-meta" }, [
      h("span", { class: "cd-author", dir: "auto", text: comment.author.name }), " ",
      h("time", { class: "cd-time", datetime: comment.created_at, text: relativeTime(comment.created_at) }),
      comment.edited ? h("span", { class: "cd-edited", text: " · " + t("edited") }) : null,
    ]),
    comment.parent ? h("p", { class: "cd-replying" }, replyingToParent(comment.parent)) : null,
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
  const n = nextUid("cd-text-");
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
  const heading = "cd-heading-" + nextUid("cd-heading-");
  return h("section", { class: "cd", lang: language, dir: direction, "aria-labelledby": heading, "data-article-id": thread.article.id, "data-next-cursor": thread.next_cursor || "", "data-comments-open": String(open) }, [
    h("h2", { class: "cd-heading", id: heading, text: t("COMMENTS (%(count)s)", { count: formatNumber(thread.total) }) }),
    // Focusable, as on commentdesk's own page: focus goes here when the comment it was on leaves.
    h("div", { class: "cd-status", role: "status", "aria-live": "polite", tabindex: "-1" }),
    h("p", { class: "cd-notice" }, [t(NOTICE) + " ", h("a", { href: BASE + "/faq?site=" + encodeURIComponent(site) + (language === "en" ? "" : "&lang=" + language), text: t("Comments FAQ") })]),
    open ? formNode(null) : h("p", { class: "cd-closed", text: t("Comments are closed on this article.") }),
    h("ol", { class: "cd-list" }, thread.comments.map((comment) => threadNode(comment, open))),
    thread.comments.length ? null : h("p", { class: "cd-empty", text: t("No comments yet.") }),
    thread.next_cursor ? h("button", { type: "button", class: "cd-more cd-button", text: t("VIEW MORE COMMENTS") }) : null,
  ]);
}
