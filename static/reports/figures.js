// The list of figures beside the editor's text boxes: type to filter it, click (or Enter/Space on)
// a name to insert "{满意率}" at the cursor of the text box last focused. Without this script the
// list still shows every name and its value; the page builds no markup from what anyone typed.
(function () {
  "use strict";
  var picker = document.getElementById("figure-picker");
  if (!picker) return;
  var FIELDS = "textarea, input[type=text], input:not([type])";
  var last = null;

  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target.matches && target.matches(FIELDS) && !picker.contains(target) && target.form) last = target;
  });

  function firstField() {
    return document.querySelector("form textarea, form input[name=title]");
  }

  function insert(name, button) {
    // The whole-document editor (write.js) takes the figure as a chip when its text has the caret.
    var value = button && button.nextElementSibling && button.nextElementSibling.classList.contains("figure-value")
      ? button.nextElementSibling.textContent.trim() : "";
    var taken = !picker.dispatchEvent(
      new CustomEvent("figure-insert", { cancelable: true, detail: { name: name, value: value } })
    );
    if (taken) return;
    var field = last || firstField();
    if (!field) return;
    var text = "{" + name + "}";
    var start = field.selectionStart == null ? field.value.length : field.selectionStart;
    var end = field.selectionEnd == null ? start : field.selectionEnd;
    field.value = field.value.slice(0, start) + text + field.value.slice(end);
    field.focus();
    field.setSelectionRange(start + text.length, start + text.length);
    // The live preview (editor.js) listens for input on the form.
    field.dispatchEvent(new Event("input", { bubbles: true }));
    last = field;
  }

  picker.addEventListener("mousedown", function (event) {
    // Keep the caret where it is: the button must not take focus from the text box on a click.
    if (event.target.closest(".figure-insert")) event.preventDefault();
  });
  picker.addEventListener("click", function (event) {
    var button = event.target.closest(".figure-insert");
    if (button) insert(button.getAttribute("data-name"), button);
  });

  var search = document.getElementById("figure-search");
  var empty = document.getElementById("figure-empty");
  if (search) {
    search.parentNode.hidden = false;
    search.addEventListener("input", function () {
      var words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      picker.querySelectorAll(".figure-item").forEach(function (item) {
        var haystack = item.getAttribute("data-search").toLowerCase();
        var match = words.every(function (w) { return haystack.indexOf(w) !== -1; });
        item.hidden = !match;
        if (match) shown += 1;
      });
      if (empty) empty.hidden = shown > 0;
    });
    search.addEventListener("keydown", function (event) {
      // Enter in the search box inserts the first figure still shown.
      if (event.key !== "Enter") return;
      event.preventDefault();
      var first = picker.querySelector(".figure-item:not([hidden]) .figure-insert");
      if (first) insert(first.getAttribute("data-name"), first);
    });
  }
})();
