// The diagram page: bpmn-js draws the process from the XML the page carries as JSON data
// (json_script), never as script text, and marks the instance's active and completed tasks.
(function () {
  "use strict";
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  var container = document.getElementById("canvas");
  var status = document.getElementById("diagram-status");
  if (!container || !status) { return; }
  if (!window.BpmnJS) { status.textContent = container.dataset.noViewer; return; }
  var xml = data("diagram-xml") || "", active = data("diagram-active") || [], done = data("diagram-done") || [];
  var viewer = new window.BpmnJS({ container: container });
  viewer.importXML(xml).then(function () {
    var canvas = viewer.get("canvas"), registry = viewer.get("elementRegistry");
    canvas.zoom("fit-viewport");
    done.forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, "duban-done"); } });
    active.forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, "duban-active"); } });
    container.setAttribute("data-rendered", "yes");
  }).catch(function (err) {
    status.className = "msg warning";
    status.textContent = /no diagram/.test(err.message) ? container.dataset.noLayout : container.dataset.unreadable;
  });
})();
