// The job page, live: polls the JSON API for progress (GET /api/jobs/{id}) and new log entries
// (GET /api/jobs/{id}/log?after=N), moves the bar and the counts in place, and when the job changes phase
// swaps in the page's freshly rendered status panel. Screen readers hear a short summary now and then, not
// every tick. Without this script the page reloads itself until the job ends.
(() => {
  "use strict";

  const panel = () => document.getElementById("job-state");
  if (!panel()) return;

  const jobId = panel().dataset.jobId;
  const log = document.getElementById("log");
  const announcer = document.getElementById("announcer");
  const numbers = new Intl.NumberFormat("en-US");
  const quietFor = 15000; // between routine announcements
  // Nothing changes by itself once a job has ended, or while it waits for the person to start it.
  const settledStatuses = ["done", "failed", "cancelled", "awaitingStart"];

  let status = panel().dataset.status;
  let logCursor = Number(log.dataset.after) || 0;
  let lastAnnouncement = Date.now();

  const duration = (seconds) => {
    if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
    if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
    return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
  };
  const percent = (value) => `${Number(value.toFixed(1))}%`;

  const announce = (text) => {
    announcer.textContent = text;
    lastAnnouncement = Date.now();
  };

  const setField = (name, text) => {
    const field = panel().querySelector(`[data-field="${name}"]`);
    if (field && field.textContent !== text) field.textContent = text;
  };

  const update = (job) => {
    const bar = panel().querySelector("#job-bar");
    if (bar) bar.value = job.percent;
    setField("percent", percent(job.percent));
    setField("eta", job.etaSeconds == null ? "" : `· about ${duration(job.etaSeconds)} left`);
    setField("read", numbers.format(job.read));
    setField("categorized", numbers.format(job.categorized));
    setField("failed", numbers.format(job.failed));
    setField("requests", numbers.format(job.requests));
    setField("retries", numbers.format(job.retries));
    setField("tokens", numbers.format(job.inputTokens + job.outputTokens));
    setField("elapsed", duration(job.elapsedSeconds));
    if (Date.now() - lastAnnouncement > quietFor) {
      const done = job.total ? `, ${numbers.format(job.categorized + job.failed)} of ${numbers.format(job.total)} conversations` : "";
      announce(`${panel().querySelector("#step").textContent}: ${percent(job.percent)}${done}.`);
    }
  };

  // A new phase changes what the panel shows (estimate, results, failure): take the server's rendering of it.
  const refreshPanel = async () => {
    const response = await fetch(location.pathname, { headers: { Accept: "text/html" }, cache: "no-store" });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById("job-state");
    if (!fresh) return;
    const hadFocus = panel().contains(document.activeElement);
    panel().replaceWith(document.importNode(fresh, true));
    if (hadFocus) panel().querySelector("#state-heading").focus();
    const step = panel().querySelector("#step").textContent;
    const badge = panel().querySelector("#status-badge").textContent;
    announce(step === badge ? `${badge}.` : `${badge}: ${step}.`);
  };

  const appendLog = (entries) => {
    const pinned = log.scrollHeight - log.scrollTop - log.clientHeight < 24;
    for (const entry of entries) {
      const item = document.createElement("li");
      item.className = `level-${entry.level}`;
      const time = document.createElement("time");
      time.dateTime = entry.at;
      time.textContent = new Date(entry.at).toISOString().substring(11, 19);
      item.append(time, entry.message);
      log.append(item);
    }
    if (pinned) log.scrollTop = log.scrollHeight;
  };

  const pollLog = async () => {
    for (let pages = 0; pages < 10; pages++) {
      const response = await fetch(`/api/jobs/${encodeURIComponent(jobId)}/log?after=${logCursor}`, { cache: "no-store" });
      if (!response.ok) return;
      const page = await response.json();
      appendLog(page.entries);
      logCursor = page.next;
      if (page.entries.length < 200) return;
    }
  };

  const pollProgress = async () => {
    const response = await fetch(`/api/jobs/${encodeURIComponent(jobId)}`, { cache: "no-store" });
    if (response.status === 404) {
      announce("This job no longer exists.");
      return { stop: true };
    }
    if (response.status === 429) {
      return { wait: (Number(response.headers.get("Retry-After")) || 10) * 1000 };
    }
    if (!response.ok) return { wait: 5000 };
    const job = await response.json();
    if (job.status !== status) {
      status = job.status;
      await refreshPanel();
    } else {
      update(job);
    }
    return { stop: settledStatuses.includes(job.status) };
  };

  const tick = async () => {
    let next = { wait: 1000 };
    try {
      next = { wait: 1000, ...(await pollProgress()) };
      await pollLog();
    } catch {
      next = { wait: 5000 }; // offline for a moment: try again a little later
    }
    if (next.stop) return;
    setTimeout(tick, document.hidden ? Math.max(next.wait, 5000) : next.wait);
  };

  if (!settledStatuses.includes(status)) setTimeout(tick, 1000);
})();
