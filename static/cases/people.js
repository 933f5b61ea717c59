// Registration from the person: as the clerk types an ID number, a phone number or a name, the
// page fetches the look-up fragment (debounced) and shows that person's earlier cases; "选用此人"
// fills the person's fields. Same-origin fetches only (the CSP allows this site alone).
(function () {
  "use strict";
  function start() {
    var form = document.getElementById("register-form");
    if (!form) { return; }
    var term = document.getElementById("lookup-term");
    var results = document.getElementById("lookup-results");
    var picked = document.getElementById("person-picked");
    var field = function (name) { return form.querySelector('[name="person-' + name + '"]'); };
    var area = form.querySelector('[name="case-subject_area"]');
    var unit = form.querySelector('[name="case-responsible_unit"]');
    var timer = null;
    var asked = 0;
    function fetchNow() {
      var q = term.value.trim();
      var params = new URLSearchParams({ q: q, area: area ? area.value : "", unit: unit ? unit.value : "" });
      var mine = ++asked;
      fetch(form.dataset.lookup + "?" + params.toString(), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { if (mine === asked) { results.innerHTML = html; } });
    }
    function later() {
      clearTimeout(timer);
      timer = setTimeout(fetchNow, 250);
    }
    term.addEventListener("input", later);
    if (area) { area.addEventListener("input", function () { if (term.value.trim()) { later(); } }); }
    if (unit) { unit.addEventListener("change", function () { if (term.value.trim()) { later(); } }); }
    results.addEventListener("click", function (event) {
      var button = event.target.closest(".lookup-pick");
      if (!button) { return; }
      field("person").value = button.dataset.person || "";
      field("name").value = button.dataset.name || "";
      field("id_number").value = button.dataset.idNumber || "";
      field("phone").value = button.dataset.phone || "";
      field("address").value = button.dataset.address || "";
      picked.hidden = !button.dataset.person;
    });
    document.getElementById("person-clear").addEventListener("click", function () {
      field("person").value = "";
      picked.hidden = true;
    });
    if (field("person").value) { picked.hidden = false; }
    fetchNow();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
