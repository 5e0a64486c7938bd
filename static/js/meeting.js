// The meeting room's live posts: poll the room every few seconds and append what is new.
// Without this script the page still works: reloading shows every post.
(function () {
  "use strict";
  var room = document.getElementById("meeting-posts");
  if (!room || !room.dataset.poll) {
    return;
  }
  var POLL_MS = 4000;
  var lastId = parseInt(room.dataset.lastId || "0", 10);
  var status = document.getElementById("room-status");
  var state = room.dataset.state;

  function schedule() {
    window.setTimeout(poll, POLL_MS);
  }

  function poll() {
    fetch(room.dataset.live + "?after=" + lastId, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("room answered " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (data.html) {
          // Server-rendered and sanitised like every post; the same markup a reload shows.
          room.insertAdjacentHTML("beforeend", data.html);
          var empty = document.getElementById("no-posts");
          if (empty) {
            empty.remove();
          }
        }
        lastId = data.last_id;
        if (data.state === "open" && state !== "open") {
          // The room just opened: reload to show the posting form (there was none to lose).
          window.location.reload();
          return;
        }
        state = data.state;
        if (status && status.textContent !== data.status) {
          status.textContent = data.status;
        }
        if (data.state !== "ended" && data.state !== "cancelled") {
          schedule();
        }
      })
      .catch(schedule);
  }

  schedule();
})();
