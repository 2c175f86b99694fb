// What a reader does to one comment: edit in place or delete their own, report any.

async function openEdit(section, button) {
  const comment = button.closest(".cd-comment");
  if (comment.querySelector(".cd-edit-form")) return;
  const body = comment.querySelector(".cd-body");
  const commentId = comment.dataset.commentId;
  const n = nextUid("cd-edit-");
  // Filled with the author's own text once it comes: the shown HTML has lost its Markdown (links, emphasis).
  const text = h("textarea", { id: "cd-edit-" + n, name: "text", rows: 4, required: true, maxlength: 5000, dir: "auto", readonly: true });
  const form = h("form", { class: "cd-edit-form", "data-comment-id": commentId }, [
    h("div", { class: "cd-field" }, [h("label", { for: text.id, text: t("Edit your comment") }), text]),
    h("div", { class: "cd-form-actions" }, [
      h("button", { type: "submit", class: "cd-button cd-save", text: t("Save changes") }), " ",
      h("button", { type: "button", class: "cd-button cd-button--quiet cd-cancel-edit", text: t("Cancel") }),
    ]),
    h("p", { class: "cd-form-status", role: "status", "aria-live": "polite" }),
  ]);
  body.hidden = true;
  body.after(form);
  const save = form.querySelector(".cd-save");
  save.disabled = true;
  try {
    text.value = (await postJSON("/comments/" + commentId + "/source", authorship(commentId))).text;
    text.readOnly = false;
    save.disabled = false;
    text.focus();
  } catch (error) {
    announce(section, form.querySelector(".cd-form-status"), error.message, "error");
    form.querySelector(".cd-cancel-edit").focus();
  }
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
      setServerHTML(comment.querySelector(".cd-body"), result.comment.html);
      const meta = comment.querySelector(".cd-meta");
      if (!meta.querySelector(".cd-edited")) meta.append(h("span", { class: "cd-edited", text: " · " + t("edited") }));
      closeEdit(form);
      announce(section, region, t("Your comment is updated."), "published");
    } else {
      // No longer shown to readers until a moderator decides: it leaves the thread here too. Said
      // first, so that the message is shown where focus goes as the comment leaves.
      announce(section, region, outcomeMessage(result).replace(t("Your comment"), t("Your edited comment")), result.outcome);
      removeComment(section, comment, false);
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
    // Said first: an empty message is not shown, and focus goes to it as the comment leaves.
    announce(section, section.querySelector(".cd-status"), result.message, "published");
    removeComment(section, button.closest(".cd-comment"), true);
  } catch (error) {
    button.disabled = false;
    say(section.querySelector(".cd-status"), error.message, "error");
  }
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
