// The viewer's reasoning controls: the page leaves each answer's reasoning out (a long conversation has dozens) and
// this fetches it the first time its control opens, from the same page the control's link opens without script.
(() => {
  "use strict";

  // Messages off screen keep an estimated height (content-visibility in site.css), so the browser's jump to a
  // #m-... anchor (a search hit, the outline) can land beside the message once the ones above it are drawn: when the
  // layout has settled, the message is brought to the top again.
  const bringTargetIntoView = () => {
    const id = decodeURIComponent(location.hash.slice(1));
    const target = id && document.getElementById(id);
    if (!target) return;
    requestAnimationFrame(() => requestAnimationFrame(() => target.scrollIntoView({ block: "start" })));
  };
  bringTargetIntoView();
  window.addEventListener("load", bringTargetIntoView, { once: true });
  window.addEventListener("hashchange", bringTargetIntoView);

  for (const control of document.querySelectorAll("details.thoughts[data-reasoning]")) {
    control.addEventListener("toggle", async () => {
      if (!control.open || control.dataset.loaded) return;
      control.dataset.loaded = "loading";
      try {
        const response = await fetch(control.dataset.reasoning, { headers: { Accept: "text/html" } });
        if (!response.ok) throw new Error(`${response.status}`);
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const steps = page.getElementById("reasoning-steps");
        if (!steps) throw new Error("no reasoning on the page");
        steps.removeAttribute("id"); // one such page per control: the id is the fetched page's, not this one's
        control.querySelector("[data-reasoning-body]")?.replaceWith(document.adoptNode(steps));
        control.dataset.loaded = "yes";
      } catch {
        delete control.dataset.loaded; // the link stays: it opens the reasoning on its own page
      }
    });
  }
})();
