// The little JavaScript the pages use; every page works without it.
document.addEventListener("submit", function (event) {
  var form = event.target;
  // Ask before an irreversible action (撤销事项).
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    return;
  }
  // One click, one submission: a double tap on a phone would otherwise complete a step twice
  // (the second attempt would only show the conflict page, but it is confusing).
  var buttons = form.querySelectorAll("button[type=submit]");
  window.setTimeout(function () {
    buttons.forEach(function (b) { b.disabled = true; });
  }, 0);
});
// A refused form: bring its list of problems into view (on a phone it is far above the fields).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.scrollIntoView({block: "start"});
    summary.focus({preventScroll: true});
  }
});
// Coming back with the browser's back button restores a page with its buttons disabled.
window.addEventListener("pageshow", function () {
  document.querySelectorAll("button[type=submit][disabled]").forEach(function (b) { b.disabled = false; });
});
// Flowcharts: zoom in and out inside their scrolling frame (pan with a finger or the scroll bars).
// Without script the chart is shown at its own size in the same frame, which scrolls too.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-zoom]");
  if (!button) { return; }
  var frame = button.closest(".flowchart").querySelector(".flowchart-frame");
  var img = frame.querySelector("img");
  var natural = img.naturalWidth || img.width;
  var current = img.getBoundingClientRect().width / natural;
  var step = button.dataset.zoom;
  var next = step === "fit" ? frame.clientWidth / natural : current * (step === "in" ? 1.5 : 1 / 1.5);
  next = Math.min(Math.max(next, 0.1), 3);
  img.style.width = Math.round(natural * next) + "px";
  img.style.maxWidth = "none";
});
