// Start-up: enhance commentdesk's own server-rendered section, or build the section on a publisher's
// page (signing its reader in); then one listener per event handles the whole section.

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
  // A single-page app may take the section off the page: its timer ends with it.
  const timer = setInterval(() => (section.isConnected ? refreshTimes(section) : clearInterval(timer)), 60000);
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
  // One section per element and article: the tag included twice (a template and a widget both
  // adding it) builds it once. A second copy would spend the publisher's one-use reader token
  // again, be refused, and show the signed-in reader as a guest.
  if (host.dataset.cdUrl === url && (host.dataset.cdBuilding || host.querySelector("section.cd"))) return;
  host.dataset.cdUrl = url;
  host.dataset.cdBuilding = "true";
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
    // No answer or a server error is not an unregistered page: the reader is told to try again.
    const down = error.status === 0 || error.status >= 500;
    host.replaceChildren(h("p", { class: "cd-unavailable", lang: language, dir: direction, text: down ? error.message : t("Comments are not available for this page.") }));
  } finally {
    delete host.dataset.cdBuilding;
  }
}

function start() {
  // commentdesk's own article page (its section is #comments); a section another embed on this
  // page built is not, and this copy builds its own in its target.
  const own = document.querySelector("section#comments.cd[data-article-id]");
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
