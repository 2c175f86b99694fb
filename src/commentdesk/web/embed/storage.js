// What this browser keeps: a guest's first-party token, the edit tokens of own comments.

function stored(key, fallback) {
  try { return JSON.parse(localStorage.getItem(key)) ?? fallback; } catch (unavailable) { return fallback; }
}

function store(key, value) {
  try { localStorage.setItem(key, JSON.stringify(value)); } catch (unavailable) { /* private mode: nothing kept */ }
}

// Random, made here, kept in this site's storage: a ban of a guest covers it (with the address).
function guestToken() {
  let token = stored("commentdesk.guest", null);
  if (typeof token !== "string" || !/^[A-Za-z0-9_-]{22,64}$/.test(token)) {
    const bytes = crypto.getRandomValues(new Uint8Array(24));
    token = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    store("commentdesk.guest", token);
  }
  return token;
}

const EDITS_KEY = "commentdesk.edits:" + BASE;

// comment id -> { token, until } for the comments posted from this browser, while they may change.
function editTokens() {
  const now = Date.now();
  const kept = {};
  for (const [id, entry] of Object.entries(stored(EDITS_KEY, {}))) {
    if (entry && typeof entry.token === "string" && Date.parse(entry.until) > now) kept[id] = entry;
  }
  return kept;
}

function rememberEdit(result) {
  if (!result.edit_token || !result.editable_until) return;
  const tokens = editTokens();
  tokens[result.comment.id] = { token: result.edit_token, until: result.editable_until };
  store(EDITS_KEY, tokens);
}

function forgetEdit(commentId) {
  const tokens = editTokens();
  delete tokens[commentId];
  store(EDITS_KEY, tokens);
}

function authorship(commentId) {
  const entry = editTokens()[commentId];
  const who = {};
  if (entry) who.edit_token = entry.token;
  if (reader) who.reader_session = reader.session;
  return who;
}
