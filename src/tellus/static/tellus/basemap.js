// The maps' base layer, as the settings say (JSON in #tellus-map-base): raster tiles from
// the tile server the DMO chose, the destination's own vector basemap served by Tellus,
// or nothing. No other address is ever asked for. Names and attributions are text, not HTML.
(function () {
  "use strict";

  var SEA = "#aad3df";
  // Polygons, lines and points by their "kind" property; anything else gets the defaults.
  var AREAS = {
    land: { fillColor: "#f4f1ea", color: "#7aa6b3", weight: 1, fillOpacity: 1 },
    lava: { fillColor: "#8c8179", color: "#8c8179", weight: 0, fillOpacity: 0.35 },
    park: { fillColor: "#cfe3b4", color: "#cfe3b4", weight: 0, fillOpacity: 0.8 },
    sand: { fillColor: "#f1e3b3", color: "#f1e3b3", weight: 0, fillOpacity: 0.9 },
    urban: { fillColor: "#e3dbd3", color: "#c9bfb5", weight: 1, fillOpacity: 1 },
    water: { fillColor: SEA, color: SEA, weight: 1, fillOpacity: 1 }
  };
  var LINES = {
    road: { color: "#d9822b", weight: 3, opacity: 0.9 },
    track: { color: "#a0784f", weight: 1.5, opacity: 0.9, dashArray: "4 3" },
    path: { color: "#a0784f", weight: 1, opacity: 0.8, dashArray: "2 3" },
    ferry: { color: "#3f7f9a", weight: 1.5, opacity: 0.8, dashArray: "6 4" }
  };

  function settings() {
    var node = document.getElementById("tellus-map-base");
    if (!node) { return { kind: "none" }; }
    try { return JSON.parse(node.textContent || "{}"); } catch (e) { return { kind: "none" }; }
  }

  // Leaflet writes attributions as HTML: the settings' text is escaped first.
  function asHtml(text) {
    var span = document.createElement("span");
    span.textContent = String(text || "");
    return span.innerHTML;
  }

  function style(feature) {
    var kind = (feature && feature.properties && feature.properties.kind) || "";
    var type = feature && feature.geometry && feature.geometry.type;
    if (type === "LineString" || type === "MultiLineString") { return LINES[kind] || LINES.track; }
    return AREAS[kind] || AREAS.land;
  }

  function drawVector(map, config) {
    map.createPane("tellusBasemap").style.zIndex = "150";
    map.createPane("tellusBasemapLabels").style.zIndex = "450";
    var labels = [];
    function showLabels() {
      var zoom = map.getZoom();
      labels.forEach(function (entry) {
        if (zoom >= entry.minzoom) { entry.layer.openTooltip(); } else { entry.layer.closeTooltip(); }
      });
    }
    fetch(config.url, { credentials: "omit" })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (data) {
        map.getContainer().style.backgroundColor = SEA;
        var layer = L.geoJSON(data, {
          pane: "tellusBasemap",
          interactive: false,
          style: style,
          pointToLayer: function (feature, latlng) {
            var island = feature.properties && feature.properties.kind === "island";
            return L.circleMarker(latlng, {
              pane: "tellusBasemap", interactive: false, radius: island ? 0 : 3.5,
              color: "#ffffff", weight: 1, fillColor: "#4a4a4a", fillOpacity: 1
            });
          },
          onEachFeature: function (feature, item) {
            var props = feature.properties || {};
            // Named points are labelled; a named coast or road is not (its name is data).
            if (!props.name || feature.geometry.type !== "Point") { return; }
            var text = document.createElement("span");
            text.textContent = String(props.name);
            item.bindTooltip(text, {
              permanent: true, interactive: false, pane: "tellusBasemapLabels",
              direction: props.kind === "island" ? "center" : "right", offset: [4, 0],
              className: "tellus-basemap-label" + (props.kind === "island" ? " tellus-basemap-island" : "")
            });
            labels.push({ layer: item, minzoom: Number(props.minzoom) || 0 });
          }
        });
        layer.getAttribution = function () { return config.attribution ? asHtml(config.attribution) : ""; };
        layer.addTo(map);
        showLabels();
        map.on("zoomend", showLabels);
      })
      .catch(function () {});
  }

  function addTo(map) {
    var config = settings();
    map.setMaxZoom(Number(config.maxZoom) || 18);
    if (config.kind === "tiles" && config.url) {
      L.tileLayer(config.url, { attribution: asHtml(config.attribution), maxZoom: Number(config.maxZoom) || 18 }).addTo(map);
    } else if (config.kind === "basemap" && config.url) {
      drawVector(map, config);
    }
  }

  window.TellusBaseLayer = { addTo: addTo };
})();
