// Talking to the server's JSON API, in the reader's language; a failure becomes an Error with the
// API's message, its per-field problems and its HTTP status (0: no answer).

// A request that gets no answer in this time is given up, so that a server that is down or stuck
// never leaves the section saying "Loading…" or a form "Sending…" for ever.
const TIMEOUT_MS = 30000;

// Every answer the API words (outcomes, errors) comes in the reader's language. English goes
// unsaid: the API's addresses stay as they were for English pages.
function withLanguage(path) {
  return language === "en" ? path : path + (path.includes("?") ? "&" : "?") + "lang=" + encodeURIComponent(language);
}

// One request's answer and its JSON body (null when it has none).
async function request(url, options) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    const response = await fetch(url, Object.assign({}, options, { signal: controller.signal }));
    const body = await response.json().catch(() => null);
    if (controller.signal.aborted) throw new Error("no answer in time");
    return { response, body };
  } catch (networkError) {
    throw Object.assign(new Error(t("Could not reach the comment service. Please try again.")), { fields: {}, status: 0 });
  } finally {
    clearTimeout(timer);
  }
}

async function api(path, options) {
  const { response, body } = await request(BASE + "/api/v1" + withLanguage(path), options);
  if (!response.ok) {
    const error = (body && body.error) || {};
    throw Object.assign(new Error(error.message || t("Something went wrong. Please try again.")), { fields: error.fields || {}, status: response.status });
  }
  return body;
}

function postJSON(path, data) {
  return api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(data) });
}
