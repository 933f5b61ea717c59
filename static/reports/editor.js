// The section editor's live preview: the server fills the unsaved text with this year's figures
// and returns escaped HTML, so the page never builds markup from what the user typed.
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (event) {
      if (!window.confirm(f.getAttribute("data-confirm"))) event.preventDefault();
    });
  });

  var form = document.getElementById("section-form");
  if (!form) return;
  var pane = document.getElementById("preview");
  var url = form.getAttribute("data-preview-url");
  var timer = null;
  var sequence = 0;

  function refresh() {
    var mine = ++sequence;
    fetch(url, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (mine === sequence) {
          pane.innerHTML = html;
          pane.setAttribute("data-sequence", String(mine));
        }
      })
      .catch(function () { pane.textContent = "预览暂时无法生成，请稍后重试或直接保存。"; });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });

  var button = document.getElementById("preview-button");
  if (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      refresh();
    });
  }

  var add = document.getElementById("add-paragraph");
  var list = document.getElementById("paragraphs");
  if (add && list) {
    add.addEventListener("click", function () {
      var rows = list.querySelectorAll("fieldset.paragraph");
      var copy = rows[rows.length - 1].cloneNode(true);
      copy.querySelectorAll("input, textarea").forEach(function (field) { field.value = ""; });
      copy.querySelectorAll("select").forEach(function (field) { field.selectedIndex = 0; });
      copy.querySelectorAll(".errorlist").forEach(function (node) { node.remove(); });
      copy.querySelector("legend").textContent = "第" + (rows.length + 1) + "段";
      list.appendChild(copy);
      copy.querySelector("input").focus();
    });
  }

  refresh();
})();
