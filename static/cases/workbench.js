// Accessibility fixes for the admin's autocomplete widgets (select2): name each combobox after
// its field's label. select2 builds its widgets when jQuery is ready, and again for inline rows
// added later, so the naming follows the DOM rather than a single page event.
(function () {
  "use strict";
  function name(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = document.querySelector('label[for="' + select.id + '"]');
      var box = select.nextElementSibling && select.nextElementSibling.querySelector(".select2-selection");
      if (!label || !box) { return; }
      // select2 names the combobox after its (often empty) rendered value; use the label.
      if (!label.id) { label.id = select.id + "-label"; }
      box.setAttribute("aria-labelledby", label.id);
      var shown = box.querySelector('[role="textbox"]');
      if (shown) { shown.setAttribute("aria-label", label.textContent.replace(/[:：]\s*$/, "").trim()); }
    });
  }
  function watch() {
    name(document);
    new MutationObserver(function (changes) {
      if (changes.some(function (c) { return c.addedNodes.length; })) { name(document); }
    }).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watch);
  } else {
    watch();
  }
})();
