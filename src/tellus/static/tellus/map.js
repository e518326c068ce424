// The content map: clusters computed on the server for each view, items when zoomed in.
(function () {
  "use strict";

  function ready(fn) { document.readyState !== "loading" ? fn() : document.addEventListener("DOMContentLoaded", fn); }
  // The base layer (tiles, the destination's own basemap, or none) is the settings' choice.
  function baseLayer(map) { if (window.TellusBaseLayer) { window.TellusBaseLayer.addTo(map); } }

  function clusterMap(el) {
    var map = L.map(el, { keyboard: true }).setView([parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)], parseInt(el.dataset.zoom, 10));
    baseLayer(map);
    var layer = L.layerGroup().addTo(map);
    var pending = null;

    function load() {
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(6); }).join(",");
      var url = el.dataset.clustersUrl + "?bbox=" + bbox + "&zoom=" + map.getZoom();
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch(url, { signal: pending.signal, credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
        layer.clearLayers();
        (data.clusters || []).forEach(function (c) {
          var icon = L.divIcon({ className: "cluster-icon", html: "", iconSize: [36, 36] });
          var label = (el.dataset.clusterText || "{count} items").replace("{count}", c.count);
          var marker = L.marker([c.latitude, c.longitude], { icon: icon, keyboard: true, title: label, alt: label });
          marker.on("add", function () { var node = marker.getElement(); if (node) { node.textContent = String(c.count); } });
          marker.on("click", function () { map.setView([c.latitude, c.longitude], c.expansion_zoom); });
          layer.addLayer(marker);
        });
        (data.points || []).forEach(function (p) {
          var label = (el.dataset.itemText || "Item {id}").replace("{id}", p.id);
          var marker = L.marker([p.latitude, p.longitude], { keyboard: true, title: label, alt: label });
          marker.on("click", function () { window.location.href = "/content/" + p.id + "/"; });
          layer.addLayer(marker);
        });
      }).catch(function () {});
    }
    map.on("moveend", load);
    load();
  }

  function pointMap(el) {
    var lat = parseFloat(el.dataset.lat), lon = parseFloat(el.dataset.lon);
    var map = L.map(el, { scrollWheelZoom: false }).setView([lat, lon], 13);
    baseLayer(map);
    L.marker([lat, lon], { title: el.dataset.label, alt: el.dataset.label }).addTo(map);
  }

  // Picking a place for a contribution: a click fills the latitude and longitude fields,
  // which stay the keyboard's way to set it.
  function pickerMap(el) {
    var form = el.closest("form");
    var lat = form && form.elements.latitude, lon = form && form.elements.longitude;
    if (!lat || !lon) { return; }
    var map = L.map(el).setView([parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)], parseInt(el.dataset.zoom, 10));
    baseLayer(map);
    var marker = null;
    function place(latlng) {
      if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
    }
    if (lat.value && lon.value) { place([parseFloat(lat.value), parseFloat(lon.value)]); }
    map.on("click", function (e) {
      lat.value = e.latlng.lat.toFixed(6);
      lon.value = e.latlng.lng.toFixed(6);
      place(e.latlng);
    });
  }

  ready(function () {
    if (typeof window.L === "undefined") { return; }
    document.querySelectorAll("[data-map-picker]").forEach(pickerMap);
    var main = document.getElementById("content-map");
    if (main) { clusterMap(main); }
    document.querySelectorAll("[data-map-point]").forEach(pointMap);
  });
})();
