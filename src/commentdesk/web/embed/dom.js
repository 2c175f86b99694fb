// Building elements: h(tag, attributes, children); text goes in as textContent, never as markup.

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

// A comment's HTML, already passed through the server's allow-list sanitiser (render.py), is the
// one string the section parses. A page whose Content-Security-Policy requires Trusted Types
// refuses HTML strings: there it goes in through one named policy, which such a page allows in
// its `trusted-types` directive (docs/embedding.md). Made on first use and only ever given
// comments' HTML from the server.
const HTML_POLICY = "commentdesk";
let htmlPolicy;

function setServerHTML(node, html) {
  if (htmlPolicy === undefined) htmlPolicy = makeHTMLPolicy();
  try {
    node.innerHTML = htmlPolicy ? htmlPolicy.createHTML(html) : html;
  } catch (error) {
    // Trusted Types required and the policy not allowed: the words stay readable, without markup.
    node.replaceChildren(...plainParagraphs(html));
  }
}

function makeHTMLPolicy() {
  if (!window.trustedTypes || !window.trustedTypes.createPolicy) return null;
  try {
    return window.trustedTypes.createPolicy(HTML_POLICY, { createHTML: (html) => html });
  } catch (error) {
    console.warn('commentdesk: this page\'s Content-Security-Policy does not allow the Trusted Types policy "' + HTML_POLICY + '"; add it to trusted-types.');
    return null;
  }
}

// The sanitised HTML as text paragraphs, built without parsing it: its tags dropped, the
// characters the sanitiser escapes given back.
function plainParagraphs(html) {
  return html.split(/<\/?(?:p|blockquote)>|<br\s*\/?>/i)
    .map((part) => decodeEntities(part.replace(/<[^>]*>/g, "")).trim())
    .filter(Boolean)
    .map((text) => h("p", { text }));
}

const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };
function decodeEntities(text) {
  return text.replace(/&(?:#(\d+)|#x([0-9a-f]+)|([a-z]+));/gi, (entity, decimal, hex, name) => {
    if (name) return Object.hasOwn(ENTITIES, name) ? ENTITIES[name] : entity;
    const code = decimal ? parseInt(decimal, 10) : parseInt(hex, 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  });
}
