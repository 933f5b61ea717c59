// Accessibility fixes for the admin's autocomplete widgets (select2): give each combobox the
// text of its field's label as its accessible name, also for inline rows added later.
(function () {
  "use strict";
  function name(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = document.querySelector('label[for="' + select.id + '"]');
      var box = select.nextElementSibling && select.nextElementSibling.querySelector(".select2-selection");
      if (!label || !box) { return; }
      var text = label.textContent.replace(/[:：]\s*$/, "").trim();
      // select2 names the combobox after its (often empty) rendered value; name it after the label.
      if (!label.id) { label.id = select.id + "-label"; }
      box.setAttribute("aria-labelledby", label.id);
      var shown = box.querySelector('[role="textbox"]');
      if (shown) { shown.setAttribute("aria-label", text); }
    });
  }
  window.addEventListener("load", function () { name(document); });
  document.addEventListener("formset:added", function (event) { name(event.target); });
})();
