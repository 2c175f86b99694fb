// Talking to the server's JSON API, in the reader's language; a failure becomes an Error with the
// API's message and its per-field problems.

// Every answer the API words (outcomes, errors) comes in the reader's language. English goes
// unsaid: the API's addresses stay as they were for English pages.
function withLanguage(path) {
  return language === "en" ? path : path + (path.includes("?") ? "&" : "?") + "lang=" + encodeURIComponent(language);
}

async function api(path, options) {
  let response;
  try {
    response = await fetch(BASE + "/api/v1" + withLanguage(path), options);
  } catch (networkError) {
    throw Object.assign(new Error(t("Could not reach the comment service. Please try again.")), { fields: {} });
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (body && body.error) || {};
    throw Object.assign(new Error(error.message || t("Something went wrong. Please try again.")), { fields: error.fields || {} });
  }
  return body;
}

function postJSON(path, data) {
  return api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(data) });
}
