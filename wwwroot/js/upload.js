// The upload page, enhanced: drag and drop, a check of the file before sending, upload progress, and the
// topic options shown only when they matter. Without this script the form posts as it is and works the same.
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
    let lastAnnounced = -1;
    xhr.upload.addEventListener("progress", (e) => {
      if (!e.lengthComputable) return;
      const percent = Math.floor((e.loaded / e.total) * 100);
      bar.value = percent;
      // Screen readers hear every tenth percent, not every event.
      if (percent === 100) {
        progressText.textContent = "Uploaded. Starting the job…";
      } else if (Math.floor(percent / 10) !== lastAnnounced) {
        lastAnnounced = Math.floor(percent / 10);
        progressText.textContent = `Uploading: ${percent}% (${formatSize(e.loaded)} of ${formatSize(e.total)})`;
      }
    });
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
    progressText.textContent = `Uploading ${file.name}…`;
    xhr.send(new FormData(form));
  });
})();
