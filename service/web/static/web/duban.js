// Every page: the language switcher submits its form on change (the button is there without script),
// and a box that scrolls sideways on a small screen (a wide table) can be reached and scrolled with the
// keyboard.
(function () {
  "use strict";
  var language = document.getElementById("language");
  if (language) {
    language.addEventListener("change", function () { language.form.submit(); });
  }

  function scrollable(element) {
    var overflow = window.getComputedStyle(element).overflowX;
    return (overflow === "auto" || overflow === "scroll") && element.scrollWidth > element.clientWidth;
  }

  function reachScrollingBoxes() {
    document.querySelectorAll("main table, main .scroll").forEach(function (box) {
      if (scrollable(box)) {
        box.setAttribute("tabindex", "0");
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }

  reachScrollingBoxes();
  window.addEventListener("resize", reachScrollingBoxes);
})();
