// Keeps a member's unsent reply or topic as a draft on the server while they type, so it is back
// in the form when they return. Forms opt in with data-draft-url (and a hidden draft_key); the
// form's own CSRF token goes with each save. Without JavaScript, Preview and refusals still save.
(function () {
  "use strict";
  // Saved this long after the last keystroke: often enough to lose little, rarely enough to cost little.
  var QUIET_MS = 2000;

  function watch(form) {
    var url = form.getAttribute("data-draft-url");
    var timer = null;
    var dirty = false;

    function data() {
      var body = new FormData(form);
      body.delete("preview");
      return body;
    }

    function save() {
      timer = null;
      if (!dirty) return;
      dirty = false;
      fetch(url, { method: "POST", body: data(), credentials: "same-origin" }).catch(function () {
        dirty = true;
      });
    }

    form.addEventListener("input", function () {
      dirty = true;
      if (timer) clearTimeout(timer);
      timer = setTimeout(save, QUIET_MS);
    });
    // Leaving the page before the pause is over: send what is there as the page goes.
    window.addEventListener("pagehide", function () {
      if (!dirty) return;
      dirty = false;
      if (timer) clearTimeout(timer);
      navigator.sendBeacon(url, data());
    });
    // Sending the form posts (or previews) the text; the server keeps or discards the draft itself.
    form.addEventListener("submit", function () {
      dirty = false;
      if (timer) clearTimeout(timer);
    });
  }

  document.querySelectorAll("form[data-draft-url]").forEach(watch);
})();
