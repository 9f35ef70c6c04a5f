/* Steps that cannot simply be undone ask first: a button or form with data-confirm="…" shows
   the question, and the form is sent only when the user agrees. */
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var question = (button && button.dataset.confirm) || event.target.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
