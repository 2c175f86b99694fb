// Words in the reader's language: the page's language, the catalogue the server sends for it,
// and t() to translate.

// The page's language: data-lang, else <html lang>; when neither names one the server chooses
// (the site's default, then the browser's). See docs/languages.md.
const PAGE_LANG = (script.dataset.lang || document.documentElement.lang || "").trim().slice(0, 35);
let language = "en";
let direction = "ltr";
let messages = {};

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

// A reply's "Replying to NAME", or no name where the comment answered was deleted or taken out of view.
function replyingToParent(parent) {
  if (!parent.author_name) return t("Replying to a comment no longer shown");
  return replyingTo(h("a", { href: "#comment-" + parent.id, dir: "auto", text: parent.author_name }));
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
    const { response, body: catalogue } = await request(BASE + "/api/v1/i18n?" + query);
    if (!response.ok || !catalogue) return;
    language = catalogue.language;
    direction = catalogue.direction;
    messages = catalogue.messages || {};
  } catch (networkError) { /* English, as shipped in this file */ }
}
