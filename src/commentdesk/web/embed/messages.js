// Telling the reader: status lines, the outcome of posting (with the statement of reasons of a
// rejection, EU Digital Services Act), and problems next to the fields they concern.

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
