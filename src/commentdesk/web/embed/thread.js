// The thread on the page: its count, comments added and removed, more comments and replies loaded.

function isOpen(section) { return section.dataset.commentsOpen !== "false"; }

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
