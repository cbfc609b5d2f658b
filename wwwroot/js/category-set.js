// The category set form, enhanced: "Add another category" and "Remove" act in place instead of posting the
// form back, and rows are renumbered so the fields still bind as Categories[i]. Without this script the
// same buttons post the form and the server does the same.
(() => {
  "use strict";

  const form = document.getElementById("set-form");
  if (!form) return;
  const rows = document.getElementById("category-rows");
  const addButton = document.getElementById("add-row");

  document.getElementById("problems")?.focus();

  // Every id, for, name, aria attribute and visible number carries the row's position: rewrite them all.
  const renumber = () => {
    rows.querySelectorAll("[data-row]").forEach((row, i) => {
      row.querySelectorAll("[id]").forEach((el) => { el.id = el.id.replace(/^cat-\d+-/, `cat-${i}-`); });
      row.querySelectorAll("label[for]").forEach((el) => { el.htmlFor = el.htmlFor.replace(/^cat-\d+-/, `cat-${i}-`); });
      row.querySelectorAll("[aria-describedby]").forEach((el) => {
        el.setAttribute("aria-describedby", el.getAttribute("aria-describedby").replace(/^cat-\d+-/, `cat-${i}-`));
      });
      row.querySelectorAll("[name]").forEach((el) => { el.name = el.name.replace(/^Categories\[\d+\]/, `Categories[${i}]`); });
      row.querySelectorAll("[data-row-number]").forEach((el) => { el.textContent = String(i + 1); });
      row.querySelector(".remove-row").value = `remove:${i}`;
    });
  };

  const addRow = () => {
    const last = rows.querySelector("[data-row]:last-of-type");
    const row = last.cloneNode(true);
    row.classList.remove("invalid");
    row.querySelectorAll("input").forEach((input) => {
      input.value = "";
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    });
    row.querySelectorAll(".field-error").forEach((el) => el.remove());
    rows.append(row);
    renumber();
    row.querySelector("input").focus();
  };

  const removeRow = (row) => {
    const all = rows.querySelectorAll("[data-row]");
    if (all.length === 1) {
      row.querySelectorAll("input").forEach((input) => { input.value = ""; });
      row.querySelector("input").focus();
      return;
    }
    const next = row.nextElementSibling ?? row.previousElementSibling;
    row.remove();
    renumber();
    next.querySelector("input").focus();
  };

  addButton.addEventListener("click", (event) => {
    event.preventDefault();
    addRow();
  });
  rows.addEventListener("click", (event) => {
    const button = event.target.closest(".remove-row");
    if (!button) return;
    event.preventDefault();
    removeRow(button.closest("[data-row]"));
  });
})();
