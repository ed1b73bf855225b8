// The copy-link button (the link itself is always shown in a read-only field).
(function () {
  "use strict";
  var button = document.getElementById("copy-link");
  var field = document.getElementById("share-url");
  if (!button || !field) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var done = function () { button.textContent = button.dataset.copied; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done);
    } else {
      field.select();
      document.execCommand("copy");
      done();
    }
  });
})();
