// Writing: sending the comment and reply forms, waiting for a decision the server could not make at
// once, opening and closing reply forms.

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
  const posting = document.activeElement === button;
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
    // Disabling the button took focus off it: a keyboard reader who posted with it carries on from
    // there, not from the top of the page (unless focus went to a field or the new reply meanwhile).
    if (posting && form.isConnected && (!document.activeElement || document.activeElement === document.body)) button.focus();
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
      const { response, body } = await request(BASE + withLanguage(outcomeUrl));
      if (response.ok) result = body;
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
  // The message promised the outcome here; say where to find it instead of falling silent.
  announce(section, region, t("Your comment is saved and still being checked. Reload the page later to see whether it is published."), "checking");
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
