// Every page: the language switcher submits its form on change (the button is there without script).
(function () {
  "use strict";
  var language = document.getElementById("language");
  if (language) {
    language.addEventListener("change", function () { language.form.submit(); });
  }
})();
