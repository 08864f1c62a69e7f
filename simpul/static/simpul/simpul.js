// Simpul's few behaviours, as a static file: the Content-Security-Policy allows no inline script.
document.addEventListener("DOMContentLoaded", function () {
  // The language picker submits its form when a language is chosen.
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  });
});
