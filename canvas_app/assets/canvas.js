/* CityCanvas editor glue: HTML5 drag and drop from the palette onto the cytoscape
 * canvas (with a keyboard alternative), node moves and layout results sent to the
 * server as small payloads, the element diff applied by id, the undo/redo history.
 * No third-party code; talks to Dash only through dash_clientside.set_props. */
(function () {
  "use strict";
  var IDS = {
    cy: "cy", drop: "ed-drop", moved: "ed-moved", undo: "ed-undo", redo: "ed-redo"
  };
  var MAX_UPLOAD = 10 * 1024 * 1024;
  // Upload zones whose oversize files are refused here, before the browser reads them:
  // zone id -> [the store told about a refusal, the limit in bytes].
  var UPLOAD_LIMITS = {"home-upload": ["home-upload-rejected", MAX_UPLOAD],
                       "md-upload": ["md-upload-rejected", 200 * 1000]};
  var HISTORY_LIMIT = 100;
  var PROVISIONAL_BELOW = 0.6; // canvas_app/evaluation.py PROVISIONAL_BELOW

  function core() {
    var el = document.getElementById(IDS.cy);
    return el && el._cyreg && el._cyreg.cy ? el._cyreg.cy : null;
  }
  function setProps(id, props) {
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(id, props);
    }
  }
  function closest(target, selector) {
    return target && target.closest ? target.closest(selector) : null;
  }
  // One edit at a time: an edit sent while the previous one is still saving would be based on
  // the version before it and come back as a conflict, so edits wait for the save in flight.
  var queue = [];
  function saving() {
    var el = document.getElementById("ed-saving");
    return !!(el && el.style.display && el.style.display !== "none");
  }
  function pump() {
    if (!queue.length) { return; }
    if (saving()) { setTimeout(pump, 30); return; }
    var next = queue.shift();
    setProps(next[0], next[1]);
    if (queue.length) { setTimeout(pump, 60); }
  }
  function sendEdit(id, props) {
    queue.push([id, props]);
    if (queue.length === 1) { pump(); }
  }
  function sendDrop(module, x, y) {
    window.citycanvasLastDrop = performance.now();
    sendEdit(IDS.drop, {data: {module: module, x: Math.round(x * 10) / 10, y: Math.round(y * 10) / 10, nonce: Date.now() + Math.random()}});
  }

  // -- drag from the palette, drop on the canvas ----------------------------------
  document.addEventListener("dragstart", function (e) {
    var item = closest(e.target, "[data-module]");
    if (!item) { return; }
    e.dataTransfer.setData("application/x-citycanvas-module", item.getAttribute("data-module"));
    e.dataTransfer.setData("text/plain", item.getAttribute("data-module"));
    e.dataTransfer.effectAllowed = "copy";
  });
  document.addEventListener("dragover", function (e) {
    if (closest(e.target, "#" + IDS.cy)) {
      e.preventDefault();  // without this, drop never fires
      if (e.dataTransfer) { e.dataTransfer.dropEffect = "copy"; }
    }
  });
  document.addEventListener("drop", function (e) {
    if (!closest(e.target, "#" + IDS.cy)) { return; }
    var module = e.dataTransfer && (e.dataTransfer.getData("application/x-citycanvas-module") || e.dataTransfer.getData("text/plain"));
    var cy = core();
    if (!module || !cy || !/^[A-Za-z0-9_][A-Za-z0-9_.:\-]*$/.test(module)) { return; }
    e.preventDefault();
    var p = cy.renderer().projectIntoViewport(e.clientX, e.clientY);
    sendDrop(module, p[0], p[1]);
  });

  // -- keyboard: Enter/Space on a focused module places it near the centre ---------
  var placed = 0;
  document.addEventListener("keydown", function (e) {
    var item = closest(e.target, "[data-module]");
    if (item && (e.key === "Enter" || e.key === " ")) {
      var cy = core();
      if (!cy) { return; }
      e.preventDefault();
      var ext = cy.extent();
      var jitter = 25 * (placed++ % 6);
      sendDrop(item.getAttribute("data-module"), (ext.x1 + ext.x2) / 2 + jitter, (ext.y1 + ext.y2) / 2 + jitter);
      return;
    }
    // Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y outside text fields
    var tag = (e.target && e.target.tagName) || "";
    if ((e.ctrlKey || e.metaKey) && !/INPUT|TEXTAREA|SELECT/.test(tag)) {
      var key = e.key.toLowerCase();
      var button = null;
      if (key === "z" && !e.shiftKey) { button = document.getElementById(IDS.undo); }
      if ((key === "z" && e.shiftKey) || key === "y") { button = document.getElementById(IDS.redo); }
      if (button && !button.disabled) { e.preventDefault(); button.click(); }
      return;
    }
    // Delete / Backspace outside text fields asks to delete the selected element (the same question
    // as its Delete button: nothing is deleted without a confirmation, and it can be undone)
    if ((e.key === "Delete" || e.key === "Backspace") && !/INPUT|TEXTAREA|SELECT/.test(tag) && !e.target.isContentEditable) {
      var del = ["ed-actor-delete", "ed-flow-delete"].map(function (id) { return document.getElementById(id); })
        .filter(function (b) { return b && !b.disabled; })[0];
      if (del) { e.preventDefault(); del.click(); }
    }
  });

  // -- canvas controls: fit, zoom in and out (buttons with data-canvas="fit" | "in" | "out") ----
  document.addEventListener("click", function (e) {
    var control = closest(e.target, "[data-canvas]");
    var cy = core();
    if (!control || !cy) { return; }
    var what = control.getAttribute("data-canvas");
    if (what === "fit") { cy.fit(undefined, 30); return; }
    var factor = what === "in" ? 1.25 : 0.8;
    var level = Math.max(cy.minZoom(), Math.min(cy.maxZoom(), cy.zoom() * factor));
    cy.zoom({level: level, renderedPosition: {x: cy.width() / 2, y: cy.height() / 2}});
  });

  // -- page titles: each page is titled after its first heading, so browser tabs and history differ ----
  function titlePage() {
    var heading = document.querySelector("#page h1");
    var text = heading ? heading.textContent.trim() : "";
    var title = text && text !== "CityCanvas" ? text + " — CityCanvas" : "CityCanvas";
    if (document.title !== title) { document.title = title; }
  }
  function watchTitles() {  // Dash renders #page after the document has loaded: watch the body for it
    if (!window.MutationObserver) { return; }
    var pending = null;
    new MutationObserver(function () {
      if (pending) { clearTimeout(pending); }
      pending = setTimeout(titlePage, 50);
    }).observe(document.body, {childList: true, subtree: true, characterData: true});
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", watchTitles); }
  else { watchTitles(); }

  // -- node moves and layout results -> one small store update ---------------------
  var pending = {};
  var timer = null;
  function queueMove(node) {
    var p = node.position();
    pending[node.id()] = [Math.round(p.x * 10) / 10, Math.round(p.y * 10) / 10];
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(function () {
      var positions = pending;
      pending = {};
      timer = null;
      sendEdit(IDS.moved, {data: {positions: positions, nonce: Date.now() + Math.random()}});
    }, 150);
  }
  function bind() {
    var cy = core();
    if (!cy || cy.__citycanvasBound) { return; }
    cy.__citycanvasBound = true;
    cy.on("dragfree", "node", function (evt) { queueMove(evt.target); });
    cy.on("layoutstop", function (evt) {
      var name = evt.layout && evt.layout.options && evt.layout.options.name;
      if (!name || name === "preset") { return; }
      cy.nodes().forEach(queueMove);
    });
    cy.on("add remove data", function () { window.citycanvasLastRender = performance.now(); });
  }
  function labelUpload() {
    var labels = {"home-upload": "Import a configuration file (JSON)", "md-upload": "Import a module file (YAML, JSON or TOML)"};
    Object.keys(labels).forEach(function (id) {
      var input = document.querySelector("#" + id + " input[type=file]");
      if (input && !input.getAttribute("aria-label")) { input.setAttribute("aria-label", labels[id]); }
    });
  }
  setInterval(bind, 250);
  // Label the upload inputs as soon as React puts them in the page (a MutationObserver runs before
  // any later task, so no check of the page, by a person's screen reader or by axe, finds them unlabelled).
  new MutationObserver(labelUpload).observe(document.documentElement, {childList: true, subtree: true});
  labelUpload();

  // -- import: refuse oversize files before reading them ------------------------------
  function uploadZone(target) {
    var zone = closest(target, "#home-upload, #md-upload");
    return zone ? UPLOAD_LIMITS[zone.id] : null;
  }
  function checkFiles(files, limit) {
    if (!files || !files.length || !limit) { return; }
    var f = files[0];
    if (f.size > limit[1]) {
      setProps(limit[0], {data: {name: f.name, size: f.size, nonce: Date.now()}});
    }
  }
  document.addEventListener("change", function (e) {
    if (e.target.files) { checkFiles(e.target.files, uploadZone(e.target)); }
  }, true);
  document.addEventListener("drop", function (e) {
    if (e.dataTransfer) { checkFiles(e.dataTransfer.files, uploadZone(e.target)); }
  }, true);

  function nameOf(cy, id) {
    var node = cy.getElementById(id);
    return node.nonempty() && node.data("label") ? node.data("label") : id;
  }
  // Actors by name; an id only where two actors share a name (layouts/editor.py actor_choices agrees).
  function actorOptions(cy) {
    var seen = {};
    cy.nodes().forEach(function (n) { var k = n.data("label"); seen[k] = (seen[k] || 0) + 1; });
    return cy.nodes().map(function (n) {
      var name = n.data("label");
      return {label: seen[name] > 1 ? name + " (" + n.id() + ")" : name, value: n.id()};
    });
  }
  function elementOptions(cy) {
    var out = [{label: "(new element)", value: ""}];
    actorOptions(cy).forEach(function (o) { out.push({label: "Actor: " + o.label, value: "actor:" + o.value}); });
    cy.edges().forEach(function (e) {
      out.push({label: "Flow: " + e.data("label") + " (" + nameOf(cy, e.data("source")) + " → " +
                nameOf(cy, e.data("target")) + ")", value: "flow:" + e.id()});
    });
    return out;
  }

  // -- the view filter: flow kinds shown, focus on the selected actor (a view: nothing is deleted) --
  var view = {kinds: null, focus: null};
  function applyView(cy) {
    cy.batch(function () {
      cy.elements().removeClass("filtered");
      if (view.kinds) {
        cy.edges().forEach(function (e) { if (view.kinds.indexOf(e.data("kind")) < 0) { e.addClass("filtered"); } });
      }
      if (view.focus) {
        var node = cy.getElementById(view.focus);
        if (node.nonempty()) {
          var keep = node.closedNeighborhood();
          cy.elements().difference(keep).addClass("filtered");
        }
      }
    });
  }

  // -- clientside callbacks ---------------------------------------------------------------------
  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    citycanvas: {
      applyDiff: function (diff) {
        // Applied straight to the cytoscape core (by id): replacing the elements prop makes
        // react-cytoscapejs diff the whole list (~250 ms at 300 nodes). dash-cytoscape writes
        // the elements prop back itself after every add/remove.
        var nu = window.dash_clientside.no_update;
        var cy = core();
        if (!diff || !cy) { return nu; }
        window.citycanvasDiffAt = performance.now();
        var nodesChanged = false;
        cy.batch(function () {
          if (diff.reset) {
            cy.elements().remove();
            cy.add(diff.reset);
            nodesChanged = true;
            return;
          }
          (diff.remove || []).forEach(function (id) {
            var el = cy.getElementById(id);
            if (el.nonempty()) { if (el.isNode()) { nodesChanged = true; } el.remove(); }
          });
          (diff.update || []).forEach(function (u) {
            var el = cy.getElementById(u.data.id);
            if (el.empty()) { cy.add(u); nodesChanged = true; return; }
            var old = el.data();
            Object.keys(old).forEach(function (k) { if (!(k in u.data)) { el.removeData(k); } });
            el.data(u.data);
            if (u.position && el.isNode()) { el.position(u.position); }
            if (el.isNode()) { nodesChanged = true; }
          });
          var adds = diff.add || [];
          var nodes = adds.filter(function (el) { return !el.data.source; });
          var edges = adds.filter(function (el) { return el.data.source; });
          if (nodes.length) { cy.add(nodes); nodesChanged = true; }
          if (edges.length) { cy.add(edges); }
        });
        if (view.kinds || view.focus) { applyView(cy); }  // new elements follow the filter in force
        // the slower second pass (flags, recommendations, criteria, nine blocks) starts once this
        // frame is drawn, so its server work does not compete with drawing the edit
        requestAnimationFrame(function () {
          setTimeout(function () { setProps("ed-diff-applied", {data: Date.now()}); }, 0);
        });
        // the side panel's actor and element lists follow the canvas, after this frame is drawn
        setTimeout(function () {
          if (nodesChanged) {
            var options = actorOptions(cy);
            setProps("ed-flow-source", {options: options});
            setProps("ed-flow-target", {options: options});
          }
          setProps("ed-element-pick", {options: elementOptions(cy)});
        }, 200);
        return nu;
      },
      showScores: function (values) {
        // six scores in ({value, coverage}; value null: not assessable); outputs: six texts, six bar styles,
        // six evidence lines (the words of layouts/panels.py coverage_text)
        var names = ["scalability", "replicability", "sustainability", "value_creation", "value_capture", "value_sharing"];
        var nu = window.dash_clientside.no_update;
        var none = names.map(function () { return nu; });
        if (!values) { return none.concat(none, none); }
        var texts = [], bars = [], evidence = [], changes = [];
        var labels = {scalability: "Scalability", replicability: "Replicability", sustainability: "Sustainability",
                      value_creation: "Value creation", value_capture: "Value capture", value_sharing: "Value sharing"};
        function note(name, text) {  // "Replicability 89 → 82", for the score-change announcement
          var shown = document.getElementById("score-" + name);
          var before = shown ? shown.textContent.trim() : "";
          if (before && before !== text) { changes.push(labels[name] + " " + before + " → " + text); }
        }
        names.forEach(function (name) {
          if (!(name in values)) { texts.push(nu); bars.push(nu); evidence.push(nu); return; }
          var entry = values[name] || {};
          var coverage = Number(entry.coverage) || 0;
          if (entry.value === null || entry.value === undefined || coverage <= 0) {
            note(name, "n/a"); texts.push("n/a"); bars.push({width: "0%"});
            evidence.push("not assessable: nothing to judge yet");
            return;
          }
          var v = Math.max(0, Math.min(100, Number(entry.value) || 0));
          note(name, String(v)); texts.push(String(v));
          bars.push({width: v + "%"});
          var pct = Math.round(coverage * 100) + "% of its weight judged";
          evidence.push(coverage >= 1 ? "all criteria judged" : (coverage < PROVISIONAL_BELOW ? "provisional: " + pct : pct));
        });
        window.citycanvasScoresAt = performance.now();
        if (changes.length) { setProps("ed-score-changes", {children: changes.join(", ")}); }
        return texts.concat(bars, evidence);
      },
      updateHistory: function (stepOut, history) {
        var nu = window.dash_clientside.no_update;
        if (!stepOut) { return [nu, nu, nu]; }
        var done = ((history && history.done) || []).slice();
        var undone = ((history && history.undone) || []).slice();
        if (stepOut.op === "do") {
          done.push(stepOut.step);
          if (done.length > HISTORY_LIMIT) { done = done.slice(done.length - HISTORY_LIMIT); }
          undone = [];
        } else if (stepOut.op === "undo") {
          if (done.length) { undone.push(done.pop()); }
        } else if (stepOut.op === "redo") {
          if (undone.length) { done.push(undone.pop()); }
        } else if (stepOut.op === "reset") {
          done = []; undone = [];
        }
        return [{done: done, undone: undone}, done.length === 0, undone.length === 0];
      },
      // The flow form shows the fields its kind can carry: a term for a recurring flow, a payback
      // period for an investment, the personal-data switch for a data flow (forms.flow_fields agrees).
      filterView: function (kinds, focus, selection, options) {
        var cy = core();
        if (!cy) { return window.dash_clientside.no_update; }
        kinds = kinds || [];
        view.kinds = kinds.length === (options || []).length ? null : kinds;  // null: every kind shown
        view.focus = focus && selection && selection.kind === "actor" ? selection.id : null;
        applyView(cy);
        return {kinds: view.kinds, focus: view.focus};
      },
      pickElement: function (value) {
        if (!value || value.indexOf(":") < 0) { return null; }
        var kind = value.slice(0, value.indexOf(":")), id = value.slice(value.indexOf(":") + 1);
        return (kind === "actor" || kind === "flow") && id ? {kind: kind, id: id} : null;
      },
      kindFields: function (kind) {
        var shown = {}, hidden = {display: "none"};
        return [kind === "investment" ? hidden : shown, kind === "investment" ? shown : hidden,
                kind === "data" ? shown : hidden];
      },
      // The flow's standards field holds a comma-separated list: each registry name is offered
      // after what is typed before the last comma, so the datalist suggests the next standard.
      suggestStandards: function (typed, known) {
        var text = typed || "";
        var cut = text.lastIndexOf(",");
        var head = cut < 0 ? "" : text.slice(0, cut + 1) + " ";
        var taken = head.split(",").map(function (s) { return s.trim().toLowerCase(); });
        return (known || []).filter(function (pair) {
          return taken.indexOf(pair[0].toLowerCase()) < 0;
        }).map(function (pair) {
          return {type: "Option", namespace: "dash_html_components",
                  props: {value: head + pair[0], label: pair[1]}};
        });
      },
      requestHistory: function (undoClicks, redoClicks, history) {
        var ctx = window.dash_clientside.callback_context;
        var trig = ctx && ctx.triggered && ctx.triggered[0] ? ctx.triggered[0].prop_id : "";
        var done = (history && history.done) || [];
        var undone = (history && history.undone) || [];
        if (saving()) { return window.dash_clientside.no_update; }  // one edit at a time
        if (trig.indexOf(IDS.undo + ".") === 0 && done.length) {
          return {op: "undo", step: done[done.length - 1], nonce: Date.now()};
        }
        if (trig.indexOf(IDS.redo + ".") === 0 && undone.length) {
          return {op: "redo", step: undone[undone.length - 1], nonce: Date.now()};
        }
        return window.dash_clientside.no_update;
      }
    }
  });
})();
