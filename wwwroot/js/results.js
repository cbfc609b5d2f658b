// The results page's filter, in place: typing narrows every group to the conversations whose title holds the
// text, hides groups left empty, opens the rest, and says how many match. Without this script the same box
// submits ?q= and the server filters.
(() => {
  "use strict";

  const form = document.getElementById("filter-form");
  const input = document.getElementById("q");
  const status = document.getElementById("filter-status");
  const groups = [...document.querySelectorAll("[data-group]")];
  if (!form || !input || groups.length === 0) return;

  // With a server-side filter already applied, the page holds only the matches: typing must fetch again.
  // When some group lists only its first rows, in-place filtering would miss the rest: the server filters.
  if (new URLSearchParams(location.search).get("q") || form.dataset.serverOnly === "true") return;

  const numbers = new Intl.NumberFormat("en-US");
  const initiallyOpen = new Map(groups.map((group) => [group, group.querySelector("details")?.open]));
  let timer;

  const apply = () => {
    const query = input.value.trim().toLocaleLowerCase();
    let matches = 0;
    for (const group of groups) {
      const items = group.querySelectorAll("li[data-title]");
      let shown = 0;
      for (const item of items) {
        const hit = query === "" || (item.dataset.title || "").toLocaleLowerCase().includes(query);
        item.hidden = !hit;
        if (hit) shown++;
      }
      matches += shown;
      group.hidden = shown === 0;
      group.querySelector("[data-count]").textContent = numbers.format(shown);
      const share = group.querySelector("[data-share]");
      if (share) share.hidden = query !== "";
      const details = group.querySelector("details");
      if (details) details.open = query === "" ? initiallyOpen.get(group) : shown > 0;
    }
    // Per-category counts inside periods are of the whole period: out of place while filtering.
    document.querySelectorAll(".category-counts").forEach((counts) => { counts.hidden = query !== ""; });
    status.textContent = query === ""
      ? ""
      : `${numbers.format(matches)} ${matches === 1 ? "conversation matches" : "conversations match"} “${input.value.trim()}”.`;
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    apply();
  });
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(apply, 150);
  });
})();
