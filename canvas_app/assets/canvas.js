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
    if (/INPUT|TEXTAREA|SELECT/.test(tag) || (e.target && e.target.isContentEditable) || e.altKey) { return; }
    // Delete / Backspace asks to delete the box selection, else the selected element (the same question
    // as its Delete button: nothing is deleted without a confirmation, and it can be undone)
    if (e.key === "Delete" || e.key === "Backspace") {
      var boxed = selectedElements();
      if (boxed && boxed.actors.length + boxed.flows.length > 1) { e.preventDefault(); askDelete(boxed); return; }
      var del = ["ed-actor-delete", "ed-flow-delete"].map(function (id) { return document.getElementById(id); })
        .filter(function (b) { return b && !b.disabled; })[0];
      if (del) { e.preventDefault(); del.click(); }
      return;
    }
    if (document.querySelector(".modal.show") || closest(e.target, ".context-menu")) { return; }
    // the view keys of the shortcuts dialog (layouts/editor.py SHORTCUTS)
    if (e.key === "?") { e.preventDefault(); showShortcuts(); return; }
    if (!core()) { return; }
    if (e.key === "f" || e.key === "F" || e.key === "0") { e.preventDefault(); viewControl("fit"); return; }
    if (e.key === "+" || e.key === "=") { e.preventDefault(); viewControl("in"); return; }
    if (e.key === "-" || e.key === "_") { e.preventDefault(); viewControl("out"); return; }
    if ((e.key === "F10" && e.shiftKey) || e.key === "ContextMenu") {
      var cy = core(), chosen = cy.elements(":selected");
      if (!chosen.nonempty()) { return; }
      e.preventDefault();
      var at = chosen[0].renderedBoundingBox(), box = document.getElementById(IDS.cy).getBoundingClientRect();
      openMenu(cy, chosen[0], box.left + (at.x1 + at.x2) / 2, box.top + (at.y1 + at.y2) / 2);
    }
  });

  // -- canvas controls: fit, zoom in and out, the shortcuts (buttons with data-canvas="fit" | "in" | "out" | "help") ----
  function viewControl(what) {
    var cy = core();
    if (what === "help") { showShortcuts(); return; }
    if (!cy) { return; }
    if (what === "fit") { cy.fit(undefined, 30); return; }
    var factor = what === "in" ? 1.25 : 0.8;
    var level = Math.max(cy.minZoom(), Math.min(cy.maxZoom(), cy.zoom() * factor));
    cy.zoom({level: level, renderedPosition: {x: cy.width() / 2, y: cy.height() / 2}});
  }
  function showShortcuts() {  // on the editor only (a closed dbc.Modal is not in the page: look for the canvas)
    if (document.getElementById(IDS.cy)) { setProps("ed-keys-modal", {is_open: true}); }
  }
  document.addEventListener("click", function (e) {
    var control = closest(e.target, "[data-canvas]");
    if (control) { viewControl(control.getAttribute("data-canvas")); }
  });

  // -- several elements selected (Shift+drag a box): the side panel's Delete button and the Delete key take them all ----
  function selectedElements() {
    var cy = core();
    if (!cy) { return null; }
    var chosen = cy.elements(":selected");
    return {actors: chosen.nodes().map(function (n) { return n.id(); }),
            flows: chosen.edges().map(function (e) { return e.id(); })};
  }
  function askDelete(target) {  // the question names them; Delete in it deletes exactly these (one revision)
    setProps("ed-delete-request", {data: {actors: target.actors, flows: target.flows, nonce: Date.now()}});
  }
  var boxedShown = false, boxTimer = null;
  function reportSelection() {
    boxTimer = null;
    var chosen = selectedElements();
    var many = chosen && chosen.actors.length + chosen.flows.length > 1;
    if (many) { setProps("ed-many-selected", {data: chosen}); boxedShown = true; }
    else if (boxedShown) { setProps("ed-many-selected", {data: null}); boxedShown = false; }
  }

  // -- the context menu: right-click an element (or Shift+F10 / the Menu key on the selection) for its actions ----
  // Built here, not by Dash: it lives only while open. role=menu, arrow keys move, Escape closes, focus goes back.
  var menu = null;
  function closeMenu(refocus) {
    if (!menu) { return; }
    var was = menu;
    menu = null;
    if (was.box.parentNode) { was.box.parentNode.removeChild(was.box); }
    if (refocus) { focusOn(document.getElementById("ed-canvas-region")); }
  }
  function openMenu(cy, element, x, y) {
    closeMenu(false);
    var kind = element.isNode() ? "actor" : "flow";
    var name = element.data("label") || kind;
    var chosen = cy.elements(":selected");
    var items = chosen.length > 1 && element.selected()
      ? [["delete-many", "Delete the " + chosen.length + " selected elements…"]]
      : [["edit", "Edit " + kind + " “" + name + "”"], ["delete", "Delete " + kind + "…"]]
        .concat(kind === "actor" ? [["flow", "Draw a flow from here"]] : []);
    var box = document.createElement("div");
    box.className = "context-menu dropdown-menu show";
    box.setAttribute("role", "menu");
    box.setAttribute("aria-label", "Actions for " + kind + " " + name);
    items.forEach(function (item, k) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "dropdown-item";
      b.setAttribute("role", "menuitem");
      b.setAttribute("tabindex", k === 0 ? "0" : "-1");
      b.setAttribute("data-menu", item[0]);
      b.textContent = item[1];  // user text as text, never HTML
      box.appendChild(b);
    });
    document.body.appendChild(box);
    var width = box.offsetWidth, height = box.offsetHeight;
    box.style.left = Math.max(0, Math.min(x, window.innerWidth - width - 4)) + "px";
    box.style.top = Math.max(0, Math.min(y, window.innerHeight - height - 4)) + "px";
    menu = {box: box, element: element, kind: kind};
    box.querySelector("button").focus();
  }
  function pickOnCanvas(kind, id) { setProps("ed-element-pick", {value: kind + ":" + id}); }
  function runMenu(action) {
    var was = menu;
    if (!was) { return; }
    closeMenu(false);
    var id = was.element.id();
    if (action === "edit") {
      pickOnCanvas(was.kind, id);
      focusOn(document.getElementById(was.kind === "actor" ? "ed-actor-name" : "ed-flow-label"));
    } else if (action === "delete") {
      pickOnCanvas(was.kind, id);
      askDelete(was.kind === "actor" ? {actors: [id], flows: []} : {actors: [], flows: [id]});
    } else if (action === "delete-many") {
      askDelete(selectedElements());
    } else if (action === "flow") {
      setProps("ed-element-pick", {value: "new"});  // layouts/editor.py NEW_ELEMENT
      setProps("ed-flow-source", {value: id});
      focusOn(document.getElementById("ed-flow-target"));
    }
  }
  document.addEventListener("click", function (e) {
    if (!menu) { return; }
    var item = closest(e.target, ".context-menu [data-menu]");
    if (item) { runMenu(item.getAttribute("data-menu")); return; }
    if (!closest(e.target, ".context-menu")) { closeMenu(false); }
  });
  document.addEventListener("keydown", function (e) {
    if (!menu || !closest(e.target, ".context-menu")) { return; }
    var items = Array.prototype.slice.call(menu.box.querySelectorAll("[role=menuitem]"));
    var at = items.indexOf(document.activeElement), to = -1;
    if (e.key === "Escape" || e.key === "Tab") { e.preventDefault(); closeMenu(true); return; }
    if (e.key === "ArrowDown") { to = (at + 1) % items.length; }
    if (e.key === "ArrowUp") { to = (at - 1 + items.length) % items.length; }
    if (e.key === "Home") { to = 0; }
    if (e.key === "End") { to = items.length - 1; }
    if (to < 0) { return; }
    e.preventDefault();
    items.forEach(function (item, k) { item.setAttribute("tabindex", k === to ? "0" : "-1"); });
    items[to].focus();
  });


  // -- the palette is one Tab stop: arrow keys, Home and End move between its modules (roving tabindex) ----
  document.addEventListener("keydown", function (e) {
    var item = closest(e.target, "[data-module]");
    var list = item && closest(item, "[role=toolbar]");
    if (!list) { return; }
    var items = Array.prototype.slice.call(list.querySelectorAll("[data-module]"));
    var at = items.indexOf(item), to = -1;
    if (e.key === "ArrowDown" || e.key === "ArrowRight") { to = Math.min(items.length - 1, at + 1); }
    if (e.key === "ArrowUp" || e.key === "ArrowLeft") { to = Math.max(0, at - 1); }
    if (e.key === "Home") { to = 0; }
    if (e.key === "End") { to = items.length - 1; }
    if (to < 0) { return; }
    e.preventDefault();
    items.forEach(function (other, k) { other.setAttribute("tabindex", k === to ? "0" : "-1"); });
    items[to].focus();
  });

  // -- Table view: column buttons sort the rows in place; the order is kept when the table is redrawn ----
  var sorted = {};  // table name -> {column, direction}
  function sortTable(table, column, direction, numeric) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var rows = Array.prototype.slice.call(body.rows);
    function key(row) {
      var text = row.cells[column] ? row.cells[column].textContent.replace(/[≈\s]/g, "") : "";
      if (!numeric) { return text.toLowerCase(); }
      var n = parseFloat(text);
      return isNaN(n) ? -Infinity : n;
    }
    rows.sort(function (a, b) {
      var x = key(a), y = key(b);
      return (x < y ? -1 : x > y ? 1 : 0) * (direction === "descending" ? -1 : 1);
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.querySelectorAll("thead th"), function (th, k) {
      if (k === column) { th.setAttribute("aria-sort", direction); } else { th.removeAttribute("aria-sort"); }
    });
  }
  document.addEventListener("click", function (e) {
    var button = closest(e.target, "button[data-sort]");
    if (!button) { return; }
    var table = closest(button, "table");
    var name = button.getAttribute("data-sort"), column = parseInt(button.getAttribute("data-column"), 10);
    var was = sorted[name];
    var direction = was && was.column === column && was.direction === "ascending" ? "descending" : "ascending";
    sorted[name] = {column: column, direction: direction, numeric: button.getAttribute("data-numeric") === "1"};
    sortTable(table, column, direction, sorted[name].numeric);
  });
  function keepSortOrder() {
    Object.keys(sorted).forEach(function (name) {
      var table = document.querySelector("table[data-table=" + name + "]");
      var want = sorted[name];
      if (!table) { return; }
      var th = table.querySelectorAll("thead th")[want.column];
      if (th && th.getAttribute("aria-sort") !== want.direction) { sortTable(table, want.column, want.direction, want.numeric); }
    });
  }

  // -- focus is never dropped on <body> (WCAG 2.4.3) ------------------------------------------------
  // When the focused control disappears or is disabled (Apply on a flag, Delete confirmed, Undo with
  // nothing left to undo), focus moves to the nearest sensible place: the other history button, else
  // the part of the page the control was in (its section, or the canvas), else the page's heading.
  var lastFocus = null, lastHome = null;
  document.addEventListener("focusin", function (e) {
    if (e.target === document.body) { return; }
    lastFocus = e.target;
    lastHome = closest(e.target, "section[id], nav[id], [role=group][id], main") || lastHome;
  });
  function usable(el) {
    return el && el.isConnected && !el.disabled && el.getClientRects().length > 0 && !closest(el, "[aria-hidden=true]");
  }
  function focusOn(el) {
    if (!el) { return false; }
    if (!el.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(el.tagName)) { el.setAttribute("tabindex", "-1"); }
    el.focus();
    return document.activeElement === el;
  }
  var held = false;  // the last focused control still had focus at the previous check
  function rescueFocus() {
    var active = document.activeElement;
    var lost = active === document.body || (active && active === lastFocus && active.disabled);
    if (!lost) { held = active === lastFocus; return; }
    if (!held || !lastFocus || usable(lastFocus)) { held = false; return; }  // the user clicked away: leave it
    if (document.querySelector(".modal.show, .offcanvas.show")) { return; }  // a dialog is opening
    var id = lastFocus.id, other = null;
    if (id === IDS.undo) { other = document.getElementById(IDS.redo); }
    if (id === IDS.redo) { other = document.getElementById(IDS.undo); }
    var candidates = [other, lastHome, document.getElementById("ed-canvas-region"), document.querySelector("#page h1")];
    for (var k = 0; k < candidates.length; k++) {
      if (usable(candidates[k]) && focusOn(candidates[k])) { break; }
    }
    held = false;
  }
  setInterval(rescueFocus, 200);

  // -- dialogs that say aria-modal keep Tab inside them (the History panel is an offcanvas) ----------
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Tab") { return; }
    var dialogs = document.querySelectorAll(".offcanvas.show[aria-modal=true], .modal.show[aria-modal=true]");
    var dialog = dialogs[dialogs.length - 1];
    if (!dialog) { return; }
    var stops = Array.prototype.filter.call(
      dialog.querySelectorAll("a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])"),
      function (el) { return !el.disabled && el.getClientRects().length > 0; });
    if (!stops.length) { e.preventDefault(); return; }
    var first = stops[0], last = stops[stops.length - 1];
    var inside = dialog.contains(document.activeElement);
    if (e.shiftKey && (document.activeElement === first || !inside)) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && (document.activeElement === last || !inside)) { e.preventDefault(); first.focus(); }
  });

  // -- "Add an actor" / "Draw a value flow": clear the selection, then go to the form's first field ------
  document.addEventListener("click", function (e) {
    var jump = closest(e.target, "[data-jump]");
    if (!jump) { return; }
    var deselect = document.getElementById("ed-deselect");
    if (deselect) { deselect.click(); }
    var field = document.getElementById(jump.getAttribute("data-jump"));
    if (field) { field.scrollIntoView({block: "center"}); field.focus(); }
  });

  // -- a Table view row's Edit button (data-element): its element goes to the picker, focus to the form's first field ----
  document.addEventListener("click", function (e) {
    var edit = closest(e.target, "button[data-element]");
    var element = edit && edit.getAttribute("data-element");
    if (!element || !/^(actor|flow):/.test(element)) { return; }
    setProps("ed-element-pick", {value: element});
    focusOn(document.getElementById(element.indexOf("actor:") === 0 ? "ed-actor-name" : "ed-flow-label"));
  });

  // -- skip links move focus to their target (the targets have tabindex=-1) ---------------------------
  document.addEventListener("click", function (e) {
    var link = closest(e.target, "a.skip-link, a.visually-hidden-focusable");
    if (!link) { return; }
    var href = link.getAttribute("href") || "";
    var target = href === "#page" ? document.querySelector("#page h1") : document.getElementById(href.slice(1));
    if (target) { e.preventDefault(); focusOn(target); }
  });

  // -- a form's problems mark the fields they name (aria-invalid, described by the message; WCAG 3.3.1) --
  // Each problem starts with the field's caption ("Amount: cannot be negative"), as canvas_app/forms.py
  // writes them; the field is the one whose label starts with that caption, in the same form.
  var FEEDBACK = ["ed-actor-feedback", "ed-flow-feedback", "ed-details-feedback"];
  function markInvalid() {
    FEEDBACK.forEach(function (id) {
      var box = document.getElementById(id);
      var form = box && closest(box, "section, details");
      if (!form) { return; }
      var danger = box.querySelector(".alert-danger");
      var captions = danger ? Array.prototype.map.call(danger.children, function (line) {
        var text = line.textContent || "";
        return text.indexOf(":") > 0 ? text.slice(0, text.indexOf(":")).trim().toLowerCase() : "";
      }) : [];
      Array.prototype.forEach.call(form.querySelectorAll("label[for]"), function (label) {
        var field = document.getElementById(label.getAttribute("for"));
        if (!field) { return; }
        var caption = (label.textContent || "").trim().toLowerCase();
        var named = captions.some(function (c) { return c && caption.indexOf(c) === 0; });
        if (named) {
          field.setAttribute("aria-invalid", "true");
          field.setAttribute("aria-describedby", id);
        } else if (field.getAttribute("aria-invalid")) {
          field.removeAttribute("aria-invalid");
          if (field.getAttribute("aria-describedby") === id) { field.removeAttribute("aria-describedby"); }
        }
      });
    });
  }

  // -- an offcanvas panel is named by its title (dbc.Offcanvas sets role=dialog without a name) ----------
  function nameDialogs() {
    Array.prototype.forEach.call(document.querySelectorAll(".offcanvas:not([aria-labelledby])"), function (panel) {
      var title = panel.querySelector(".offcanvas-title");
      if (!title) { return; }
      if (!title.id) { title.id = (panel.id || "offcanvas") + "-title"; }
      panel.setAttribute("aria-labelledby", title.id);
    });
  }

  // -- after each render, one pass: the page's title, the tables' sort order, the invalid fields, the dialogs' names ----
  // Each page is titled after its first heading, so browser tabs and history differ; a page changed inside
  // the app also moves focus to its heading, as a new page load would start there.
  var shownPath = null;
  function titlePage(heading) {
    var text = heading ? heading.textContent.trim() : "";
    var title = text && text !== "CityCanvas" ? text + " — CityCanvas" : "CityCanvas";
    if (document.title !== title) { document.title = title; }
    if (!heading) { return; }
    var path = window.location.pathname + window.location.search;
    if (shownPath !== null && path !== shownPath && !document.querySelector(".modal.show")) { focusOn(heading); }
    shownPath = path;
  }
  function afterRender() {
    keepSortOrder();
    markInvalid();
    nameDialogs();
    titlePage(document.querySelector("#page h1"));
  }
  function watchRenders() {  // Dash renders #page after the document has loaded: watch the body for it
    if (!window.MutationObserver) { return; }
    var pending = null;
    new MutationObserver(function () {
      if (pending) { clearTimeout(pending); }
      pending = setTimeout(afterRender, 50);
    }).observe(document.body, {childList: true, subtree: true, characterData: true});
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", watchRenders); }
  else { watchRenders(); }

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
    // the element under the pointer shows its caption at any zoom (layouts/graph.py ".hover")
    cy.on("mouseover", "node, edge", function (evt) { evt.target.addClass("hover"); });
    cy.on("mouseout", "node, edge", function (evt) { evt.target.removeClass("hover"); });
    cy.on("layoutstop", function (evt) {
      var name = evt.layout && evt.layout.options && evt.layout.options.name;
      if (!name || name === "preset") { return; }
      cy.nodes().forEach(queueMove);
    });
    cy.on("add remove data", function () { window.citycanvasLastRender = performance.now(); });
    cy.on("select unselect remove", function () { if (!boxTimer) { boxTimer = setTimeout(reportSelection, 60); } });
    cy.on("cxttap", "node, edge", function (evt) {
      var box = document.getElementById(IDS.cy).getBoundingClientRect(), p = evt.renderedPosition;
      openMenu(cy, evt.target, box.left + p.x, box.top + p.y);
    });
    cy.on("tapstart viewport", function () { closeMenu(false); });
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
    var out = [{label: "(new element)", value: "new"}];  // layouts/editor.py NEW_ELEMENT
    actorOptions(cy).forEach(function (o) { out.push({label: "Actor: " + o.label, value: "actor:" + o.value}); });
    cy.edges().forEach(function (e) {
      out.push({label: "Flow: " + e.data("label") + " (" + nameOf(cy, e.data("source")) + " → " +
                nameOf(cy, e.data("target")) + ")", value: "flow:" + e.id()});
    });
    return out;
  }

  // -- the view filter: flow kinds and actor types shown, focus on the selected actor (a view: nothing is deleted) --
  var view = {kinds: null, types: null, focus: null};
  function applyView(cy) {
    cy.batch(function () {
      cy.elements().removeClass("filtered");
      if (view.kinds) {
        cy.edges().forEach(function (e) { if (view.kinds.indexOf(e.data("kind")) < 0) { e.addClass("filtered"); } });
      }
      if (view.types) {  // an actor of a hidden type goes with its flows
        cy.nodes().forEach(function (n) {
          if (view.types.indexOf(n.data("type")) < 0) { n.addClass("filtered"); n.connectedEdges().addClass("filtered"); }
        });
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
        if (view.kinds || view.types || view.focus) { applyView(cy); }  // new elements follow the filter in force
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
      filterView: function (kinds, types, focus, selection, kindOptions, typeOptions) {
        var cy = core();
        if (!cy) { return window.dash_clientside.no_update; }
        kinds = kinds || [];
        types = types || [];
        view.kinds = kinds.length === (kindOptions || []).length ? null : kinds;  // null: every kind shown
        view.types = types.length === (typeOptions || []).length ? null : types;
        view.focus = focus && selection && selection.kind === "actor" ? selection.id : null;
        applyView(cy);
        return {kinds: view.kinds, types: view.types, focus: view.focus};
      },
      pickElement: function (value) {
        var cy = core();
        var picked = null;
        if (value && value.indexOf(":") > 0) {
          var kind = value.slice(0, value.indexOf(":")), id = value.slice(value.indexOf(":") + 1);
          picked = (kind === "actor" || kind === "flow") && id ? {kind: kind, id: id} : null;
        }
        if (cy) {  // the chosen element is shown selected on the canvas, whichever way it was chosen
          cy.batch(function () {
            cy.elements(":selected").unselect();
            if (picked) { cy.getElementById(picked.id).select(); }
          });
        }
        return picked;
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
