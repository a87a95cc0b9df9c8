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
// Coming back with the browser's back button restores a page with its buttons disabled.
window.addEventListener("pageshow", function () {
  document.querySelectorAll("button[type=submit][disabled]").forEach(function (b) { b.disabled = false; });
});
