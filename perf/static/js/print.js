/* A button with data-print prints the page (the print stylesheet leaves only the table). */
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
