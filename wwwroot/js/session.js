// A handoff link carries its code after # (never sent to the server, so never in a log): fill the code box with it,
// then take it out of the address bar and the history.
(() => {
  "use strict";

  const input = document.querySelector("[data-handoff-input]");
  const code = decodeURIComponent(location.hash.slice(1));
  if (!input || !code) return;
  input.value = code;
  history.replaceState(null, "", location.pathname + location.search);
})();
