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
// A matter's progress chart opens on where the matter stands (its ready, waiting or failed steps;
// once it has ended, where it ended), not on the chart's top-left corner, which on a wide swimlane
// chart is empty. On a step's page, on that step (the figure's data-focus: its element id). Where
// the standing steps are too far apart to be seen together (parallel branches of a wide chart),
// on the first of them from the left: the middle between them would show empty lanes. The chart
// is an <img>: its SVG is read once more (from the browser's cache: its address carries the
// matter's last change, web/views/matters.py) and laid out off-screen, at the image's own size,
// only to find those steps' boxes.
function standingBoxes(svg, focus) {
  var own = focus ? svg.querySelector("g.node#" + CSS.escape(focus)) : null;
  if (own) { return [own]; }
  var found = svg.querySelectorAll("g.node.state-ready, g.node.state-waiting, g.node.state-error");
  return Array.prototype.slice.call(found.length ? found : svg.querySelectorAll("g.node.endEvent.state-completed"));
}
function around(rects) {
  var box = {left: Infinity, top: Infinity, right: -Infinity, bottom: -Infinity};
  rects.forEach(function (r) {
    box.left = Math.min(box.left, r.left); box.top = Math.min(box.top, r.top);
    box.right = Math.max(box.right, r.right); box.bottom = Math.max(box.bottom, r.bottom);
  });
  return box;
}
function bringCurrentStepIntoView(frame, img) {
  if (frame.scrollWidth <= frame.clientWidth && frame.scrollHeight <= frame.clientHeight) { return; }
  var focus = frame.closest(".flowchart").dataset.focus;
  fetch(img.currentSrc || img.src, {credentials: "same-origin"})
    .then(function (response) { return response.ok ? response.text() : ""; })
    .then(function (text) {
      var parsed = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
      if (!parsed || parsed.nodeName !== "svg" || !standingBoxes(parsed, focus).length) { return; }
      var holder = document.createElement("div");
      holder.className = "flowchart-measure";
      var svg = document.importNode(parsed, true);
      holder.appendChild(svg);
      document.body.appendChild(holder);
      var whole = svg.getBoundingClientRect();
      var rects = standingBoxes(svg, focus).map(function (node) { return node.getBoundingClientRect(); });
      document.body.removeChild(holder);
      if (!whole.width) { return; }
      var scale = img.getBoundingClientRect().width / whole.width;
      var box = around(rects);
      if ((box.right - box.left) * scale > frame.clientWidth || (box.bottom - box.top) * scale > frame.clientHeight) {
        rects.sort(function (a, b) { return a.left - b.left || a.top - b.top; });
        box = around(rects.slice(0, 1));
      }
      frame.scrollLeft = ((box.left + box.right) / 2 - whole.left) * scale - frame.clientWidth / 2;
      frame.scrollTop = ((box.top + box.bottom) / 2 - whole.top) * scale - frame.clientHeight / 2;
    })
    .catch(function () { /* the chart stays where it was: nothing lost */ });
}
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".flowchart-overlay .flowchart-frame img").forEach(function (img) {
    var frame = img.closest(".flowchart-frame");
    if (img.complete && img.naturalWidth) { bringCurrentStepIntoView(frame, img); }
    else { img.addEventListener("load", function () { bringCurrentStepIntoView(frame, img); }, {once: true}); }
  });
});
