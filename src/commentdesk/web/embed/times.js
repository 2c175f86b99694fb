// "5 minutes ago": relative times in the reader's language, refreshed while the page is open.

const UNITS = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400], ["hour", 3600], ["minute", 60]];

// Same steps as the server's relative times (commentdesk.web.timefmt); both word them from CLDR.
function relativeTime(iso) {
  const when = Date.parse(String(iso).replace(/(\.\d{3})\d+/, "$1"));
  const seconds = (Date.now() - when) / 1000;
  if (!(seconds >= 60)) return t("just now");
  for (const [name, size] of UNITS) {
    if (seconds >= size) {
      const count = Math.floor(seconds / size);
      try {
        return new Intl.RelativeTimeFormat(language, { numeric: "always" }).format(-count, name);
      } catch (unsupported) {
        return count + " " + name + (count === 1 ? "" : "s") + " ago";
      }
    }
  }
  return t("just now");
}

function refreshTimes(root) {
  root.querySelectorAll("time.cd-time[datetime]").forEach((node) => { node.textContent = relativeTime(node.getAttribute("datetime")); });
}
