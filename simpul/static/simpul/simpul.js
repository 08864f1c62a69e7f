// Simpul's few behaviours, as a static file: the Content-Security-Policy allows no inline script.
document.addEventListener("DOMContentLoaded", function () {
  // The language picker submits its form when a language is chosen.
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  });

  // Folded panels (the case filters) open by themselves on a wide screen; on a phone they stay
  // folded so the list comes first.
  if (window.matchMedia("(min-width: 900px)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
      details.open = true;
    });
  }

  // The partner picker (simpul/directory/widgets.py): with JavaScript and htmx, the searchable
  // list replaces the plain select (which is then disabled, so only the list is posted);
  // without them the select is all there is.
  document.querySelectorAll("[data-picker]").forEach(function (picker) {
    var box = picker.querySelector("[data-picker-box]");
    var fallback = picker.querySelector("[data-picker-fallback]");
    if (!box || !fallback || !window.htmx) {
      return;
    }
    fallback.disabled = true;
    fallback.hidden = true;
    box.disabled = false;
    box.hidden = false;
    // Enter in the search box searches; it must not submit the form around the picker.
    box.querySelectorAll("input[type=search]").forEach(function (input) {
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") {
          event.preventDefault();
          window.htmx.trigger(input, "search");
        }
      });
    });
  });
});
