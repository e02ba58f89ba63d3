// Small enhancements; every page works without them.
document.addEventListener("change", (event) => {
  // The working-company picker submits as soon as a company is chosen.
  if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
});

document.addEventListener("submit", (event) => {
  // Ask before destructive actions marked with data-confirm.
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

// Region checkboxes: a filter box by code or name (the checkboxes work without it).
document.querySelectorAll("[data-region-picker]").forEach((picker) => {
  const box = picker.querySelector("[data-region-filter]");
  box.hidden = false;
  box.addEventListener("keydown", (event) => { if (event.key === "Enter") event.preventDefault(); });
  box.addEventListener("input", () => {
    const term = box.value.trim().toLowerCase();
    picker.querySelectorAll("[data-region]").forEach((option) => {
      option.hidden = term !== "" && !option.dataset.region.toLowerCase().includes(term);
    });
    picker.querySelectorAll(".region-group").forEach((group) => {
      group.hidden = !group.querySelector("[data-region]:not([hidden])");
    });
  });
});

// The top-bar menus (<details>): a click elsewhere or Escape closes them.
const menus = () => document.querySelectorAll("details.switcher[open], details.user-menu[open]");
document.addEventListener("click", (event) => {
  menus().forEach((menu) => { if (!menu.contains(event.target)) menu.open = false; });
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  menus().forEach((menu) => { menu.open = false; menu.querySelector("summary").focus(); });
});

// Progress bars: poll a JSON endpoint and update without a reload (imports, long tasks).
document.querySelectorAll("[data-progress-url]").forEach((el) => {
  const bar = el.querySelector("progress");
  const label = el.querySelector("[data-progress-label]");
  let delay = 700;
  const poll = async () => {
    try {
      const response = await fetch(el.dataset.progressUrl, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const data = await response.json();
      // No total yet (the workbook is being opened): an indeterminate bar, which moves.
      if (bar && !data.total) bar.removeAttribute("value");
      if (bar && data.total) { bar.max = data.total; bar.value = data.done; }
      if (label) label.textContent = data.label;
      if (data.finished) { if (data.reload) window.location.reload(); return; }
      delay = 700;
    } catch (error) {
      // A dropped connection: keep trying, more slowly, instead of freezing the bar.
      delay = Math.min(delay * 2, 10000);
    }
    setTimeout(poll, delay);
  };
  poll();
});
