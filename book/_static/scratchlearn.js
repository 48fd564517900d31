/* Keyboard controls for the static explorers (scratchlearn's site).
 *
 * plotly.js draws a figure's sliders and menus in SVG that the mouse can use but the
 * keyboard cannot reach: nothing there takes focus. Under every plotly figure with a
 * slider or a menu this adds the same controls as native HTML: a <select> per menu
 * and an <input type="range"> per slider, reached by Tab and moved with the arrow
 * keys. Each applies exactly the update its plotly twin applies (the step's or the
 * button's own method and arguments), and the two stay in step both ways.
 * plotly's toolbar (zoom, pan, download) is made of <button>s: Tab reaches them, and
 * scratchlearn.css shows the toolbar while one of them has the focus.
 */
(function () {
  "use strict";

  function apply(gd, command, extraLayout) {
    var args = (command.args || []).slice();
    if (command.method === "update") {
      args[0] = args[0] || {};
      args[1] = Object.assign({}, args[1] || {}, extraLayout);
      return window.Plotly.update.apply(null, [gd].concat(args));
    }
    var done = window.Plotly.Plots.executeAPICommand(gd, command.method, args);
    return Promise.resolve(done).then(function () {
      return window.Plotly.relayout(gd, extraLayout);
    });
  }

  function addControls(gd) {
    var layout = gd.layout || {};
    var menus = (layout.updatemenus || []).filter(function (m) {
      return (m.type || "dropdown") !== "buttons" || (m.buttons || []).length;
    });
    var sliders = layout.sliders || [];
    if (!menus.length && !sliders.length) return;
    var box = document.createElement("div");
    box.className = "explorer-keys";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Controls of the figure above (keyboard)");
    var syncs = [];

    menus.forEach(function (menu, m) {
      var label = document.createElement("label");
      var select = document.createElement("select");
      label.textContent = "Setting ";
      (menu.buttons || []).forEach(function (button, b) {
        var option = document.createElement("option");
        option.value = String(b);
        option.textContent = button.label || "entry " + (b + 1);
        select.appendChild(option);
      });
      select.addEventListener("change", function () {
        var b = Number(select.value);
        var extra = {};
        extra["updatemenus[" + m + "].active"] = b;
        apply(gd, gd.layout.updatemenus[m].buttons[b], extra);
      });
      syncs.push(function () {
        select.value = String(gd.layout.updatemenus[m].active || 0);
      });
      label.appendChild(select);
      box.appendChild(label);
    });

    sliders.forEach(function (slider, s) {
      var label = document.createElement("label");
      var text = document.createElement("span");
      var range = document.createElement("input");
      range.type = "range";
      range.min = "0";
      range.step = "1";
      range.addEventListener("input", function () {
        var now = gd.layout.sliders[s];
        var i = Number(range.value);
        var extra = {};
        extra["sliders[" + s + "].active"] = i;
        apply(gd, now.steps[i], extra);
      });
      syncs.push(function () {
        var now = gd.layout.sliders[s];
        var prefix = (now.currentvalue && now.currentvalue.prefix) || "";
        var step = now.steps[now.active || 0] || {};
        range.max = String(now.steps.length - 1);
        range.value = String(now.active || 0);
        text.textContent = prefix + (step.label || "") + " ";
        range.setAttribute("aria-valuetext", prefix + (step.label || ""));
      });
      label.appendChild(text);
      label.appendChild(range);
      box.appendChild(label);
    });

    function sync() {
      syncs.forEach(function (f) {
        f();
      });
    }
    sync();
    ["plotly_update", "plotly_relayout", "plotly_sliderchange", "plotly_buttonclicked"]
      .forEach(function (event) {
        gd.on(event, function () {
          window.setTimeout(sync, 0);
        });
      });
    gd.insertAdjacentElement("afterend", box);
  }

  function start() {
    if (!window.Plotly) return;
    document.querySelectorAll("div.plotly-graph-div").forEach(function (gd) {
      // The drawing itself is told in words by the figure's aria-label: a screen
      // reader skips plotly's SVG (hundreds of tick labels and shapes), not the
      // toolbar's buttons nor the keyboard controls.
      gd.querySelectorAll("svg.main-svg").forEach(function (svg) {
        svg.setAttribute("aria-hidden", "true");
      });
      if (gd.layout && typeof gd.on === "function") addControls(gd);
    });
  }

  if (document.readyState === "complete") start();
  else window.addEventListener("load", start);
})();
