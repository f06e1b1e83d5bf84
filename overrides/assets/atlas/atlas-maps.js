/*
 * City Diplomacy Atlas: the adapter between the site's pages and its Folium maps.
 *
 * Folium builds each kind of map once per build (macros/maps.py) as a function,
 * atlasMapKinds[kind](element). This file runs it for each .atlas-map element of the
 * page, now and after each instant navigation, and does what Folium's elements hand
 * over to it (atlasMap.*): load the page's map.geojson into Folium's layers, the
 * tooltips and popups, the legend, the year control and the place finder.
 * Every name from the data goes in as text, never as HTML.
 * window.atlasMaps[id] describes each drawn map, for tests and debugging.
 */
(function () {
  "use strict";

  var drawn = (window.atlasMaps = {});
  var basemaps = {};
  var STATUS = { active: "Active", ended: "Ended", suspended: "Suspended", disputed: "Disputed" };
  var POPUP = { maxWidth: 300, autoPanPaddingTopLeft: [50, 110] };
  var api = (window.atlasMap = {});

  function node(tag, className, text) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined && text !== null) element.textContent = String(text);
    return element;
  }

  function fetchJson(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status + " for " + url);
      return response.json();
    });
  }

  // Longitudes moved to within 180 degrees of lon0 (a place page: its place's side).
  function nearLon(lon0) {
    return function (c) {
      return L.latLng(c[1], c[0] + 360 * Math.round((lon0 - c[0]) / 360));
    };
  }

  function control(map, position, build) {
    var Control = L.Control.extend({ onAdd: build });
    var added = new Control({ position: position }).addTo(map);
    var box = added.getContainer();
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    L.DomEvent.on(box, "keydown", L.DomEvent.stopPropagation); // typing must not pan the map
    return added;
  }

  function whenReady(map, run) {
    map.once("atlas:ready", function (event) {
      run(event.entry);
    });
  }

  // ---- tooltips and popups -------------------------------------------------

  function tooltip(layer) {
    var p = layer.feature.properties;
    return document.createTextNode(p.label || p.name);
  }

  function linkDetails(p, box) {
    var type = node("div", "atlas-popup-type");
    var swatch = node("span", "atlas-swatch");
    swatch.style.backgroundColor = p.stroke;
    type.appendChild(swatch);
    type.appendChild(document.createTextNode(p.type_label));
    box.appendChild(type);
    box.appendChild(node("div", "atlas-popup-date", p.signed ? "Signed " + p.signed : "Date not known"));
    box.appendChild(node("div", "atlas-popup-status", "Status: " + (STATUS[p.status] || p.status)));
  }

  function pageLink(box, url, text) {
    if (!url) return;
    var a = node("a", "atlas-popup-link", text);
    a.href = url; // relative or http(s): checked in Python (render.safe_url)
    box.appendChild(a);
  }

  function popup(entry) {
    return function (layer) {
      var f = layer.feature, p = f.properties, box = node("div", "atlas-popup");
      box.appendChild(node("strong", "atlas-popup-title", p.label || p.name));
      if (f.geometry.type !== "Point") {
        linkDetails(p, box);
        [p.from, p.to].forEach(function (id) {
          var end = entry.places[id];
          if (end && !end.properties.focus) pageLink(box, end.properties.url, "Open " + end.properties.name);
        });
        return box;
      }
      box.appendChild(node("div", "atlas-popup-meta", p.country));
      if (entry.focus && !p.focus) {
        entry.arcs.forEach(function (arc) {
          var q = arc.layer.feature.properties;
          if (q.from === f.id || q.to === f.id) linkDetails(q, box.appendChild(node("div", "atlas-popup-link-info")));
        });
      }
      if (!p.focus) pageLink(box, p.url, "Open page");
      return box;
    };
  }

  // ---- the data -------------------------------------------------------------

  function drawBasemap(url, layer) {
    if (!basemaps[url]) basemaps[url] = fetchJson(url);
    return basemaps[url].then(function (data) {
      [-360, 0, 360].forEach(function (dx) {
        // Three copies, so that outlines follow arcs and places drawn past +-180.
        layer.options.coordsToLatLng = function (c) {
          return L.latLng(c[1], c[0] + dx);
        };
        layer.addData(data);
      });
      return data.features.length;
    });
  }

  function raisePlaces(entry) {
    entry.points.eachLayer(function (layer) {
      if (entry.map.hasLayer(layer)) layer.bringToFront();
    });
  }

  function addLinks(entry, layers, features) {
    var byType = {};
    features.forEach(function (f) {
      (byType[f.properties.type] = byType[f.properties.type] || []).push(f);
    });
    Object.keys(layers.links).forEach(function (type) {
      var layer = layers.links[type];
      if (!byType[type]) {
        entry.map.removeLayer(layer);
        layers.control.removeLayer(layer);
        return;
      }
      if (entry.focus) layer.options.coordsToLatLng = nearLon(entry.focus.geometry.coordinates[0]);
      layer.addData(byType[type]);
      layer.bindTooltip(tooltip, { sticky: true }).bindPopup(popup(entry), POPUP);
      layer.eachLayer(function (arc) {
        entry.arcs.push({ layer: arc, group: layer, year: arc.feature.properties.year });
      });
    });
    entry.types = Object.keys(byType);
    if (entry.types.length < 2) layers.control.remove();
    entry.map.on("overlayadd", function () {
      raisePlaces(entry);
    });
  }

  function addPlaces(entry, layers, features) {
    var points = layers.points;
    if (entry.focus) points.options.coordsToLatLng = nearLon(entry.focus.geometry.coordinates[0]);
    points.addData(features);
    points.eachLayer(function (layer) {
      layer.bindTooltip(tooltip, { direction: "top" }).bindPopup(popup(entry), POPUP);
      entry.places[layer.feature.id] = layer.feature;
    });
    if (layers.cluster) layers.cluster.addLayers(points.getLayers());
  }

  function fit(entry) {
    var bounds = L.latLngBounds([]);
    entry.points.eachLayer(function (layer) {
      bounds.extend(layer.getLatLng());
    });
    entry.arcs.forEach(function (arc) {
      bounds.extend(arc.layer.getBounds());
    });
    if (!bounds.isValid()) entry.map.setView([20, 0], 1, { animate: false });
    else if (!entry.arcs.length && entry.points.getLayers().length === 1) entry.map.setView(bounds.getCenter(), 5, { animate: false });
    else entry.map.fitBounds(bounds, { padding: [24, 24], maxZoom: 7, animate: false });
  }

  function filter(entry, year, undated) {
    entry.arcs.forEach(function (arc) {
      var want = arc.year === null ? undated : arc.year <= year;
      if (want !== arc.group.hasLayer(arc.layer)) arc.group[want ? "addLayer" : "removeLayer"](arc.layer);
    });
    raisePlaces(entry);
  }

  // Folium's AtlasData element: fetch the page's GeoJSON once and add it to the layers.
  api.load = function (element, map, layers) {
    var entry = { id: element.id, element: element, map: map, points: layers.points, arcs: [], places: {} };
    entry.basemap = drawBasemap(element.getAttribute("data-basemap"), layers.basemap);
    entry.visibleArcs = function () {
      return entry.arcs.filter(function (arc) { return map.hasLayer(arc.layer); }).length;
    };
    entry.filter = function (year, undated) {
      filter(entry, year, undated);
    };
    entry.open = function (layer) {
      // Close enough that the place is out of its cluster, then open its popup.
      var zoom = layers.cluster ? layers.cluster.options.disableClusteringAtZoom : 5;
      map.setView(layer.getLatLng(), Math.max(map.getZoom(), zoom), { animate: false });
      if (map.hasLayer(layer)) layer.openPopup();
      else L.popup(POPUP).setLatLng(layer.getLatLng()).setContent(popup(entry)(layer)).openOn(map);
    };
    fetchJson(element.getAttribute("data-src"))
      .then(function (data) {
        if (!document.documentElement.contains(element)) return map.remove(); // the page changed meanwhile
        var features = data.features || [];
        var points = features.filter(function (f) { return f.geometry.type === "Point"; });
        entry.focus = points.filter(function (f) { return f.properties.focus; })[0];
        addLinks(entry, layers, features.filter(function (f) { return f.geometry.type !== "Point"; }));
        addPlaces(entry, layers, points);
        if (layers.fit) fit(entry);
        drawn[element.id] = entry;
        element.setAttribute("data-atlas-state", "ready");
        map.fire("atlas:ready", { entry: entry });
      })
      .catch(function (error) {
        fail(element, error);
      });
  };

  // ---- controls -------------------------------------------------------------

  api.legend = function (map, options) {
    whenReady(map, function (entry) {
      var types = options.types.filter(function (t) { return entry.types.indexOf(t.id) >= 0; });
      if (!types.length) return;
      control(map, options.position, function () {
        var box = node("div", "atlas-legend leaflet-bar");
        var toggle = box.appendChild(node("button", "atlas-legend-title", "Legend"));
        var list = box.appendChild(node("ul", "atlas-legend-list"));
        toggle.type = "button";
        list.id = entry.id + "-legend";
        toggle.setAttribute("aria-controls", list.id);
        types.forEach(function (t) {
          var item = list.appendChild(node("li"));
          item.appendChild(node("span", "atlas-swatch")).style.backgroundColor = t.color;
          item.appendChild(document.createTextNode(t.label));
        });
        if (entry.arcs.some(function (arc) { return arc.layer.feature.properties.status !== "active"; })) {
          var dashed = list.appendChild(node("li", "atlas-legend-dashed"));
          dashed.appendChild(node("span", "atlas-swatch atlas-swatch-dashed"));
          dashed.appendChild(document.createTextNode("Dashed: ended, suspended or disputed"));
        }
        function show(open) {
          list.hidden = !open;
          toggle.setAttribute("aria-expanded", String(open));
        }
        show(entry.element.clientWidth >= 600); // small maps start folded
        toggle.addEventListener("click", function () { show(list.hidden); });
        return box;
      });
    });
  };

  api.yearControl = function (map, options) {
    whenReady(map, function (entry) {
      var years = entry.arcs.map(function (arc) { return arc.year; }).filter(function (y) { return y !== null; });
      if (!years.length) return;
      var max = Math.max.apply(null, years);
      control(map, options.position, function () {
        var box = node("div", "atlas-years leaflet-bar");
        var label = box.appendChild(node("label", "atlas-years-label", "Links signed up to: "));
        var output = label.appendChild(node("output", "atlas-years-year", max));
        var range = box.appendChild(node("input", "atlas-years-range"));
        var undatedLabel = box.appendChild(node("label", "atlas-years-undated"));
        var undated = undatedLabel.appendChild(node("input"));
        undatedLabel.appendChild(document.createTextNode(" include undated"));
        range.type = "range";
        range.id = label.htmlFor = entry.id + "-year";
        range.min = String(Math.min.apply(null, years));
        range.max = String(max);
        range.value = String(max);
        undated.type = "checkbox";
        undated.checked = true;
        var pending = false;
        function update() {
          output.textContent = range.value;
          if (pending) return;
          pending = true;
          window.requestAnimationFrame(function () {
            pending = false;
            filter(entry, parseInt(range.value, 10), undated.checked);
          });
        }
        range.addEventListener("input", update);
        undated.addEventListener("change", update);
        return box;
      });
    });
  };

  api.findPlace = function (map, options) {
    whenReady(map, function (entry) {
      var layers = entry.points.getLayers();
      var names = layers.map(function (layer) {
        var p = layer.feature.properties;
        return p.name + " (" + p.country + ")";
      });
      control(map, options.position, function () {
        var box = node("div", "atlas-search leaflet-bar");
        var label = box.appendChild(node("label", "atlas-visually-hidden", "Find a place"));
        var input = box.appendChild(node("input", "atlas-search-input"));
        var list = box.appendChild(node("datalist"));
        input.type = "search";
        input.placeholder = "Find a place";
        input.autocomplete = "off";
        input.id = label.htmlFor = entry.id + "-search";
        list.id = entry.id + "-places";
        input.setAttribute("list", list.id);
        names.slice().sort().forEach(function (name) {
          list.appendChild(node("option")).value = name;
        });
        var done = null;
        function go() {
          var wanted = input.value.trim().toLowerCase();
          if (wanted === done) return; // Enter and then change: one search
          done = wanted;
          var i = names.findIndex(function (name) {
            return name.toLowerCase() === wanted || name.toLowerCase().indexOf(wanted + " (") === 0;
          });
          if (wanted && i >= 0) entry.open(layers[i]);
        }
        input.addEventListener("change", go); // a choice from the list
        input.addEventListener("keydown", function (event) {
          if (event.key === "Enter") go();
        });
        return box;
      });
    });
  };

  // ---- the maps of the page -------------------------------------------------

  function fail(element, error) {
    element.setAttribute("data-atlas-state", "error");
    element.appendChild(node("p", "atlas-map-error", "The map could not be drawn."));
    console.error("atlas map #" + element.id + ":", error);
  }

  function init() {
    Object.keys(drawn).forEach(function (id) {
      if (document.documentElement.contains(drawn[id].element)) return;
      drawn[id].map.remove(); // instant navigation swapped the page out
      delete drawn[id];
    });
    document.querySelectorAll(".atlas-map:not([data-atlas-state])").forEach(function (element) {
      element.setAttribute("data-atlas-state", "loading");
      try {
        window.atlasMapKinds[element.getAttribute("data-kind")](element);
      } catch (error) {
        fail(element, error);
      }
    });
  }

  // Material's document$ emits now and after each instant-navigation page swap.
  function start() {
    if (window.document$) window.document$.subscribe(init);
    else init();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
