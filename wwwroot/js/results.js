// The results page's filter, in place: typing asks the server for the same page filtered (?q=, over every title of
// the job, not only the rows on this page) and swaps in its parts marked data-filter-swap, so the box keeps its focus
// and the address says what is shown. Without this script the same box submits ?q= and the page reloads.
(() => {
  "use strict";

  const form = document.getElementById("filter-form");
  const input = document.getElementById("q");
  if (!form || !input) return;

  let timer;
  let inFlight;

  const apply = async () => {
    const query = input.value.trim();
    const url = new URL(form.action, location.href);
    for (const [name, value] of new FormData(form)) {
      if (name !== "q") url.searchParams.set(name, value);
    }
    if (query !== "") url.searchParams.set("q", query);

    inFlight?.abort();
    inFlight = new AbortController();
    let html;
    try {
      const response = await fetch(url, { signal: inFlight.signal, headers: { Accept: "text/html" } });
      if (!response.ok) return;
      html = await response.text();
    } catch {
      return; // aborted by a newer query, or offline: the page stays as it was
    }

    const fresh = new DOMParser().parseFromString(html, "text/html");
    for (const part of fresh.querySelectorAll("[data-filter-swap]")) {
      document.getElementById(part.id)?.replaceWith(document.adoptNode(part));
    }
    history.replaceState(null, "", url.pathname + url.search);
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    apply();
  });
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(apply, 200);
  });
})();

// A month or year job still preparing (its transcripts and search rows are stored behind its results): the notice
// follows how far it is, then says it is done. Without this script it stays as the page was made.
(() => {
  "use strict";

  const notice = document.getElementById("preparing");
  const count = notice?.querySelector("[data-prepared]");
  if (!notice || !count) return;

  const poll = async () => {
    let wait = document.hidden ? 5000 : 1000;
    try {
      const response = await fetch(`/api/jobs/${encodeURIComponent(notice.dataset.job)}`, { cache: "no-store" });
      if (response.status === 404) return;
      if (response.status === 429) wait = (Number(response.headers.get("Retry-After")) || 10) * 1000;
      if (response.ok) {
        const job = await response.json();
        if (job.prepared === null || job.prepared >= job.read) {
          notice.querySelector("p").textContent = "The transcripts and search are ready.";
          return;
        }
        count.textContent = job.prepared.toLocaleString("en-US");
      }
    } catch {
      wait = 5000; // offline for a moment: try again a little later
    }
    setTimeout(poll, wait);
  };
  setTimeout(poll, 1000);
})();
