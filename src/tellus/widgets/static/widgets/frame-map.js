// The map in the widget page: clusters from the API for each view, single items when zoomed in.
(function () {
  "use strict";

  function itemUrl(template, id) {
    return template.replace(/\/0\/$/, "/" + encodeURIComponent(String(id)) + "/");
  }

  function start(el) {
    el.hidden = false;
    var map = L.map(el, { keyboard: true, scrollWheelZoom: false })
      .setView([parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)], parseInt(el.dataset.zoom, 10));
    // The base layer (tiles, the destination's own basemap, or none) is the settings' choice.
    if (window.TellusBaseLayer) { window.TellusBaseLayer.addTo(map); }
    var layer = L.layerGroup().addTo(map);
    var pending = null;

    function load() {
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
        .map(function (v) { return v.toFixed(6); }).join(",");
      var url = el.dataset.clustersUrl + "?bbox=" + bbox + "&zoom=" + map.getZoom();
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch(url, { signal: pending.signal, credentials: "omit" })
        .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
        .then(function (data) {
          layer.clearLayers();
          (data.clusters || []).forEach(function (c) {
            var label = String(c.count);
            var icon = L.divIcon({ className: "cluster-icon", html: "", iconSize: [36, 36] });
            var marker = L.marker([c.latitude, c.longitude], { icon: icon, keyboard: true, title: label, alt: label });
            marker.on("add", function () { var node = marker.getElement(); if (node) { node.textContent = label; } });
            marker.on("click", function () { map.setView([c.latitude, c.longitude], c.expansion_zoom); });
            layer.addLayer(marker);
          });
          (data.points || []).forEach(function (p) {
            var marker = L.marker([p.latitude, p.longitude], { keyboard: true, title: "#" + p.id, alt: "#" + p.id });
            marker.on("click", function () { window.open(itemUrl(el.dataset.itemUrl, p.id), "_blank", "noopener"); });
            layer.addLayer(marker);
          });
        })
        .catch(function () {});
    }
    map.on("moveend", load);
    load();
  }

  function ready() {
    var el = document.getElementById("widget-map");
    if (el && typeof window.L !== "undefined") { start(el); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();
