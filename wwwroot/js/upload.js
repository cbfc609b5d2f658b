// The upload page, enhanced: drag and drop, a check of the file before sending, the upload's progress then the
// server's check of it, and the topic options shown only when they matter. Without this script the form posts as it
// is and works the same.
(() => {
  "use strict";

  const form = document.getElementById("upload-form");
  if (!form) return;

  const input = document.getElementById("file");
  const dropzone = document.getElementById("dropzone");
  const status = document.getElementById("file-status");
  const button = document.getElementById("upload-button");
  const progress = document.getElementById("upload-progress");
  const bar = document.getElementById("upload-bar");
  const progressText = document.getElementById("upload-progress-text");
  const uploadId = document.getElementById("upload-id");
  const topicOptions = document.getElementById("topic-options");
  const maxBytes = Number(form.dataset.maxBytes);

  const formatSize = (bytes) => {
    const units = [["GB", 1 << 30], ["MB", 1 << 20], ["KB", 1 << 10]];
    for (const [unit, size] of units) {
      if (bytes >= size) return `${(bytes / size).toFixed(1).replace(/\.0$/, "")} ${unit}`;
    }
    return `${bytes} bytes`;
  };

  // One place on the page for "what is wrong": the server's problem notice, created when the page has none.
  const showProblem = (text) => {
    let notice = document.getElementById("upload-problem");
    if (!notice) {
      notice = document.createElement("div");
      notice.id = "upload-problem";
      notice.className = "notice error";
      notice.setAttribute("role", "alert");
      notice.tabIndex = -1;
      form.before(notice);
    }
    const p = document.createElement("p");
    const strong = document.createElement("strong");
    strong.textContent = "Nothing was started. ";
    p.append(strong, text);
    notice.replaceChildren(p);
    notice.focus();
  };

  const fileProblem = (file) => {
    if (!/\.(zip|json)$/i.test(file.name)) return `"${file.name}" is not a .zip or .json file. Choose the ZIP ChatGPT sent you, or its conversations.json.`;
    if (file.size === 0) return `"${file.name}" is empty.`;
    if (file.size > maxBytes) return `"${file.name}" is ${formatSize(file.size)}, more than the ${form.dataset.maxSize} this server accepts.`;
    return null;
  };

  const describeFile = () => {
    const file = input.files[0];
    if (!file) {
      status.textContent = "";
      return;
    }
    const problem = fileProblem(file);
    status.textContent = problem ?? `Ready: ${file.name} (${formatSize(file.size)}).`;
    status.classList.toggle("field-error", problem !== null);
    input.setAttribute("aria-invalid", problem ? "true" : "false");
  };

  const showTopicOptions = () => {
    const mode = form.querySelector('input[name="mode"]:checked')?.value ?? "topic";
    const byTopic = mode === "topic";
    topicOptions.hidden = !byTopic;
    topicOptions.disabled = !byTopic;
  };

  input.addEventListener("change", describeFile);
  form.querySelectorAll('input[name="mode"]').forEach((radio) => radio.addEventListener("change", showTopicOptions));
  showTopicOptions();
  describeFile();

  ["dragenter", "dragover"].forEach((type) => dropzone.addEventListener(type, (event) => {
    event.preventDefault();
    dropzone.classList.add("dragover");
  }));
  ["dragleave", "dragend", "drop"].forEach((type) => dropzone.addEventListener(type, () => dropzone.classList.remove("dragover")));
  dropzone.addEventListener("drop", (event) => {
    event.preventDefault();
    if (event.dataTransfer?.files.length) {
      input.files = event.dataTransfer.files;
      describeFile();
    }
  });

  // 128 random bits in hex: no other upload of this session picks the same (crypto.randomUUID would need HTTPS).
  const newUploadId = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  const percentOf = (done, total) => (total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 0);

  // Screen readers hear every tenth percent of a phase, not every event.
  let announced = "";
  const report = (percent, key, text) => {
    bar.value = percent;
    if (key === announced) return;
    announced = key;
    progressText.textContent = text;
  };

  // The browser knows what it sent; the server says how much of it is checked (a JSON as it arrives, a ZIP once it
  // is all in). Asked twice a second until the upload's answer comes; a 404 is an upload not yet begun or over.
  const followCheck = (id, sent) => {
    let following = true;
    const ask = async () => {
      if (!following) return;
      try {
        const response = await fetch(`/api/uploads/${id}/progress`, { headers: { Accept: "application/json" }, cache: "no-store" });
        if (following && response.ok) {
          const upload = await response.json();
          if (sent.done || upload.phase === "checking") {
            // From here on the line says the check: a late progress event of the browser's sending must not put
            // "Uploading" back over it (seen with a throttled upload: the server had it all before the browser said so).
            sent.checking = true;
            const total = upload.total ?? upload.received;
            const percent = percentOf(upload.checked, total);
            report(percent, `check ${Math.floor(percent / 10)}`,
              `Checking the export: ${percent}% (${formatSize(upload.checked)} of ${formatSize(total)})`);
          } else {
            sent.checked = upload.checked;
          }
        }
      } catch {
        // A missed answer: the next one tells.
      }
      if (following) setTimeout(ask, 500);
    };
    setTimeout(ask, 500);
    return () => {
      following = false;
    };
  };

  const setBusy = (busy) => {
    button.disabled = busy;
    progress.hidden = !busy;
    form.setAttribute("aria-busy", busy ? "true" : "false");
  };

  // The same endpoint as the plain form: success redirects to the job page (XHR follows it, so responseURL
  // is that page); a refusal answers the upload page again, whose problem notice is read as text.
  form.addEventListener("submit", (event) => {
    const file = input.files[0];
    if (!file || !window.FormData || !window.XMLHttpRequest) return;
    event.preventDefault();
    const problem = fileProblem(file);
    if (problem) {
      showProblem(problem);
      return;
    }

    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.responseType = "text";
    const sent = { done: false, checking: false, checked: 0 };
    uploadId.value = newUploadId();
    const stopFollowing = followCheck(uploadId.value, sent);
    xhr.upload.addEventListener("progress", (e) => {
      if (!e.lengthComputable || sent.done || sent.checking) return;
      const percent = percentOf(e.loaded, e.total);
      const checked = sent.checked > 0 ? `; ${formatSize(sent.checked)} checked as it arrives` : "";
      report(percent, `upload ${Math.floor(percent / 10)}`, `Uploading: ${percent}% (${formatSize(e.loaded)} of ${formatSize(e.total)})${checked}`);
    });
    xhr.upload.addEventListener("load", () => {
      sent.done = true;
      if (!sent.checking) report(percentOf(sent.checked, file.size), "check", "Uploaded. Checking the export…");
    });
    xhr.addEventListener("loadend", stopFollowing);
    xhr.addEventListener("load", () => {
      const landed = new URL(xhr.responseURL || form.action, location.href);
      if (xhr.status === 200 && /^\/jobs\/[^/]+$/.test(landed.pathname)) {
        location.assign(landed.href);
        return;
      }
      setBusy(false);
      const page = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
      const notice = page.querySelector("#upload-problem p");
      const text = notice ? notice.textContent.replace(/^\s*Nothing was started\.\s*/, "").trim() : "";
      showProblem(text || (xhr.status === 429
        ? "Too many uploads for now. Please wait a few minutes and try again."
        : `The server answered ${xhr.status}. Please try again.`));
    });
    xhr.addEventListener("error", () => {
      setBusy(false);
      showProblem("The upload was interrupted. Check your connection and try again.");
    });
    setBusy(true);
    report(0, "start", `Uploading ${file.name}…`);
    xhr.send(new FormData(form));
  });
})();
