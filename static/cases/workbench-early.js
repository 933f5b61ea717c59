// Run before the admin's nav_sidebar.js (deferred): on a first visit from a screen narrower than
// 1600 px the side menu starts closed, so that the case list has the width (the header and the
// 台账 index carry the same menu; the « button opens it, and the choice is remembered).
(function () {
  "use strict";
  try {
    if (localStorage.getItem("django.admin.navSidebarIsOpen") === null && window.innerWidth < 1600) {
      localStorage.setItem("django.admin.navSidebarIsOpen", "false");
    }
  } catch (e) { /* storage refused: the admin's default */ }
})();
