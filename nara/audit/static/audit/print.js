// "Skriv ut" buttons: a real <button>, so it works from the keyboard; no inline script needed.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) { window.print(); }
});
