// Uploads each chosen or dropped file to the API on its own, with a progress bar per file.
// Without this script the form still works: it posts one file to the page.
(function () {
  "use strict";

  function ready(fn) { document.readyState !== "loading" ? fn() : document.addEventListener("DOMContentLoaded", fn); }

  ready(function () {
    var form = document.querySelector("form[data-upload-url]");
    if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
    var input = form.querySelector("input[type=file]");
    var zone = form.querySelector("[data-drop-zone]");
    var list = form.querySelector("[data-upload-list]");
    var queued = [];

    function field(name) {
      var el = form.elements[name];
      if (!el) { return ""; }
      if (el.length !== undefined && el.tagName !== "SELECT") {
        var values = [];
        Array.prototype.forEach.call(el, function (box) { if (box.checked) { values.push(box.value); } });
        return values.join(",");
      }
      return el.value || "";
    }

    function row(file) {
      var li = document.createElement("li");
      var name = document.createElement("span");
      name.textContent = file.name;
      var bar = document.createElement("progress");
      bar.max = 100; bar.value = 0;
      bar.setAttribute("aria-label", file.name);
      var status = document.createElement("span");
      status.className = "upload-status";
      li.append(name, " ", bar, " ", status);
      list.appendChild(li);
      return { bar: bar, status: status };
    }

    function add(files) {
      Array.prototype.forEach.call(files, function (file) { queued.push({ file: file, ui: row(file) }); });
    }

    input.addEventListener("change", function () { list.textContent = ""; queued = []; add(input.files); });
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.add("drag-over"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.remove("drag-over"); });
    });
    zone.addEventListener("drop", function (e) { if (e.dataTransfer && e.dataTransfer.files) { add(e.dataTransfer.files); } });

    function send(entry, index) {
      return new Promise(function (resolve) {
        var data = new FormData();
        data.append("file", entry.file);
        var title = field("title") || entry.file.name.replace(/\.[^.]+$/, "");
        data.append("title", queued.length > 1 && field("title") ? title + " (" + (index + 1) + ")" : title);
        ["caption", "tags", "language", "taken_on", "latitude", "longitude", "place", "initiative"].forEach(function (name) {
          var value = field(name); if (value) { data.append(name, value); }
        });
        data.append("consents", field("consents"));
        var xhr = new XMLHttpRequest();
        xhr.open("POST", form.dataset.uploadUrl);
        xhr.setRequestHeader("X-CSRFToken", field("csrfmiddlewaretoken"));
        xhr.upload.addEventListener("progress", function (e) {
          if (e.lengthComputable) { entry.ui.bar.value = Math.round((e.loaded / e.total) * 100); }
        });
        xhr.addEventListener("load", function () {
          var body = {};
          try { body = JSON.parse(xhr.responseText); } catch (err) { body = {}; }
          if (xhr.status === 201) {
            entry.ui.bar.value = 100;
            entry.ui.status.textContent = form.dataset.doneText || "✓";
          } else {
            // The API's refusal ({detail, field, code}) is shown beside the file it is about;
            // a 413 from a proxy in front of the site has no JSON body.
            var fallback = xhr.status === 413 && form.dataset.tooBigText
              ? form.dataset.tooBigText
              : (form.dataset.errorText || "Error") + " " + xhr.status;
            var detail = body.detail || fallback;
            if (body.errors && body.errors.length) { detail += ": " + body.errors.map(function (e) { return e.msg; }).join("; "); }
            entry.ui.status.textContent = detail;
            entry.ui.status.classList.add("errors");
            if (body.code) { entry.ui.status.dataset.code = body.code; }
            entry.ui.bar.hidden = true;
          }
          resolve(xhr.status === 201);
        });
        xhr.addEventListener("error", function () { entry.ui.status.textContent = form.dataset.networkErrorText || "Network error"; resolve(false); });
        xhr.send(data);
      });
    }

    form.addEventListener("submit", function (e) {
      if (!queued.length) { return; }
      e.preventDefault();
      var results = [];
      queued.reduce(function (chain, entry, index) {
        return chain.then(function () { return send(entry, index).then(function (ok) { results.push(ok); }); });
      }, Promise.resolve()).then(function () {
        if (results.every(Boolean)) { window.location.href = form.dataset.mineUrl; }
      });
    });
  });
})();
