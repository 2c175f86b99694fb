/* commentdesk comment section.
 *
 * On a publisher's page: <div id="commentdesk"></div>
 *   <script src="https://HOST/static/embed.js" data-site="SLUG" data-url="ARTICLE URL" async></script>
 * builds the whole section from the public API. With data-reader-token="JWT" (signed by the
 * publisher for its signed-in reader, docs/sso.md) the reader comments as that account. On commentdesk's own article pages it enhances
 * the server-rendered section (section#comments.cd[data-article-id]) instead: same markup, same classes.
 *
 * User text only ever goes into the page through textContent; the one exception is a comment's
 * `html`, which the server has already passed through an allow-list sanitiser (dom.js puts it in,
 * through the Trusted Types policy "commentdesk" on pages that require Trusted Types).
 */

// Runs first, inside the one function that all parts share (web/embed_script.py): the tag that
// loaded this script, the server it came from, and what the parts share about this page's reader.
const script = document.currentScript || document.querySelector('script[src*="/static/embed.js"]');
if (!script) return;
const BASE = new URL(script.src, location.href).origin;
// Numbers each form's fields, so that every label finds its own field. Another embed on the same
// page (a second copy of this script) counts from 1 too: numbers whose ids are taken are passed over.
let uid = 0;
function nextUid(prefix) {
  do uid += 1; while (document.getElementById(prefix + uid));
  return uid;
}
// Whether this server e-mails readers about replies (the thread's article says so).
let mailOffered = false;
// The signed-in reader (publisher sign-in): { session, name, email }, or null for a guest;
// email: "verified" or "known" when the publisher's token carried an address, else "".
let reader = null;
