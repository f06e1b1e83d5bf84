/*
 * City Diplomacy Atlas: the adapter between the pages and the Folium maps (macros/maps.py).
 *
 * Folium renders each kind of map once per build as atlasMapKinds[kind](element). This runs
 * it for each .atlas-map of the page, when the reader comes near it; Folium's
 * AtlasData element then calls atlasMap.load, which adds the page's map.geojson to Folium's
 * layers. Names from the data go in as text, never as HTML. window.atlasMaps[id]: the drawn
 * maps (for tests and debugging).
 */
(function () {
  "use strict";

  var drawn = (window.atlasMaps = {});
  var api = (window.atlasMap = {});
  var me = document.currentScript; // its data-* name the map files (macros/mapsite.py, loader_tag)
  var basemaps = {};
  var STATUS = (api.STATUS = { active: "Active", ended: "Ended", suspended: "Suspended", disputed: "Disputed" });
  var POPUP = { maxWidth: 300, autoPanPaddingTopLeft: [50, 110] };

  // A new element in parent, with a class and text (as text).
  api.node = function (parent, tag, className, text) {
    var element = parent.appendChild(document.createElement(tag));
    if (className) element.className = className;
    if (text !== undefined && text !== null) element.textContent = String(text);
    return element;
  };

  // The words of a map in its page's language (its data-words: macros/mapsite.py, MAP_WORDS), asked
  // for by their English text; {name} in a text takes values.name.
  api.words = function (element) {
    var words = JSON.parse(element.getAttribute("data-words") || "{}");
    return function (text, values) {
      return (words[text] || text).replace(/\{(\w+)\}/g, function (all, key) { return values && key in values ? values[key] : all; });
    };
  };

  api.swatch = function (parent, color, text) {
    api.node(parent, "span", "atlas-swatch").style.backgroundColor = color;
    parent.appendChild(document.createTextNode(text));
  };

  // A short line as the map draws it: its colour, its dashes (a legend entry's sample).
  api.line = function (parent, color, dash) {
    var ns = "http://www.w3.org/2000/svg", svg = parent.appendChild(document.createElementNS(ns, "svg"));
    var line = svg.appendChild(document.createElementNS(ns, "line"));
    svg.setAttribute("class", "atlas-line");
    svg.setAttribute("viewBox", "0 0 28 8");
    svg.setAttribute("aria-hidden", "true");
    [["x1", 1], ["y1", 4], ["x2", 27], ["y2", 4], ["stroke", color], ["stroke-width", 3]].forEach(function (a) { line.setAttribute(a[0], a[1]); });
    if (dash) line.setAttribute("stroke-dasharray", dash);
  };

  // A control built by build(entry, box, options) once the map has its data (false: none).
  api.control = function (map, position, className, build, options) {
    map.once("atlas:ready", function (event) {
      var box = L.DomUtil.create("div", className + " leaflet-bar");
      if (build(event.entry, box, options) === false) return;
      new (L.Control.extend({ onAdd: function () { return box; } }))({ position: position }).addTo(map);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      L.DomEvent.on(box, "keydown", L.DomEvent.stopPropagation); // typing must not pan the map
    });
  };

  function fetchJson(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status + " for " + url);
      return response.json();
    });
  }

  // Coordinates moved to within 180 degrees of lon0 (a place page: its place's side), or by dx;
  // coords.lng(lon) moves a longitude alone.
  function toLatLng(lon0, dx) {
    var lng = function (lon) { return lon + (lon0 === null ? dx : 360 * Math.round((lon0 - lon) / 360)); };
    var coords = function (c) { return L.latLng(c[1], lng(c[0])); };
    coords.lng = lng;
    return coords;
  }

  // ---- across the antimeridian -----------------------------------------------

  // A link's line in one piece: the download cuts it at +-180 (RFC 7946), the map draws it whole.
  function joined(geometry) {
    if (geometry.type === "LineString") return geometry.coordinates;
    var line = geometry.coordinates[0].slice();
    geometry.coordinates.slice(1).forEach(function (part) {
      var shift = 360 * Math.round((line[line.length - 1][0] - part[0][0]) / 360);
      for (var i = 1; i < part.length; i++) line.push([part[i][0] + shift, part[i][1]]);
    });
    return line;
  }

  function span(line) { // its westernmost and easternmost longitudes
    var west = Infinity, east = -Infinity;
    for (var i = 0; i < line.length; i++) {
      west = Math.min(west, line[i][0]);
      east = Math.max(east, line[i][0]);
    }
    return [west, east];
  }

  // The meridian that the fewest links cross (every 5 degrees, west first): the map's edge.
  function seam(spans) {
    var crossed = [], best = 0, i;
    for (i = 0; i < 72; i++) crossed.push(0);
    spans.forEach(function (s) { // the meridians from its west end up to (not at) its east end
      for (var m = Math.ceil((s[0] + 180) / 5); m * 5 - 180 < s[1]; m++) crossed[((m % 72) + 72) % 72]++;
    });
    for (i = 1; i < 72; i++) if (crossed[i] < crossed[best]) best = i;
    return best * 5 - 180;
  }

  // A map without a focus place: each line and place moved whole to the east of the seam, so
  // that links across the Pacific are continuous (Leaflet reads longitudes past 180).
  function unwrap(points, links) {
    var lines = links.map(function (f) { return joined(f.geometry); });
    var spans = lines.map(span), edge = seam(spans);
    var east = function (lon) { return 360 * Math.ceil((edge - lon) / 360); };
    points.forEach(function (f) { f.geometry.coordinates[0] += east(f.geometry.coordinates[0]); });
    links.forEach(function (f, i) { // in place: the data is this map's own
      var dx = east(spans[i][0]);
      if (dx) lines[i].forEach(function (c) { c[0] += dx; });
      f.geometry = { type: "LineString", coordinates: lines[i] };
    });
  }

  // ---- tooltips and popups -------------------------------------------------

  function tooltip(layer) {
    var p = layer.feature.properties;
    return document.createTextNode(p.label || p.name);
  }

  function linkDetails(t, box, p) {
    api.swatch(api.node(box, "div", "atlas-popup-type"), p.stroke, p.type_label);
    api.node(box, "div", "atlas-popup-date", p.signed ? t("Signed {date}", { date: p.signed }) : t("Date not known"));
    api.node(box, "div", "atlas-popup-status", t("Status: {status}", { status: t(STATUS[p.status] || p.status) }));
  }

  function pageLink(box, url, text) {
    if (url) api.node(box, "a", "atlas-popup-link", text).href = url; // checked in Python (render.safe_url)
  }

  var SHOWN = 8; // links listed in a place's popup, the rest counted

  function placeLinks(box, entry, id, mine) { // each with its type, year and partner (a link to its page)
    var list = mine.length ? api.node(box, "ul", "atlas-popup-links") : null;
    mine.slice(0, SHOWN).forEach(function (q) {
      var item = api.node(list, "li"), other = entry.places[q.from === id ? q.to : q.from];
      var status = q.status === "active" ? "" : " (" + entry.t(STATUS[q.status]).toLowerCase() + ")";
      api.swatch(item, q.stroke, q.type_label + (q.year ? " " + q.year : "") + status + ": ");
      if (other && other.properties.url) api.node(item, "a", null, other.properties.name).href = other.properties.url;
      else if (other) item.appendChild(document.createTextNode(other.properties.name));
    });
    if (mine.length > SHOWN) api.node(box, "div", "atlas-popup-more", entry.t("and {n} more links", { n: mine.length - SHOWN }));
  }

  function popup(entry) {
    return function (layer) {
      var f = layer.feature, p = f.properties, box = document.createElement("div");
      box.className = "atlas-popup";
      api.node(box, "strong", "atlas-popup-title", p.label || p.name);
      if (f.geometry.type !== "Point") {
        linkDetails(entry.t, box, p);
        [p.from, p.to].forEach(function (id) {
          var end = entry.places[id] && entry.places[id].properties;
          if (end && !end.focus) pageLink(box, end.url, entry.t("Open {name}", { name: end.name }));
        });
        return box;
      }
      api.node(box, "div", "atlas-popup-meta", p.country);
      var mine = entry.arcs.map(function (arc) { return arc.feature.properties; })
        .filter(function (q) { return q.from === f.id || q.to === f.id; });
      if (entry.focus) { // on a place page: this partner's links with the place
        if (!p.focus) mine.forEach(function (q) { linkDetails(entry.t, api.node(box, "div", "atlas-popup-link-info"), q); });
      } else placeLinks(box, entry, f.id, mine);
      if (!p.focus) pageLink(box, p.url, entry.t("Open page"));
      return box;
    };
  }

  // ---- the embed page ---------------------------------------------------------

  // The embed page (embed/?map=cities/taipei/): the map of the page the address names.
  function embed(element) {
    var page = new URLSearchParams(location.search).get("map") || "map/";
    if (!/^((cities|networks|programs|countries|types)\/[a-z0-9]+(-[a-z0-9]+)*\/|map\/)$/.test(page)) page = "map/";
    element.setAttribute("data-src", "../" + page + "map.geojson");
    element.setAttribute("data-kind", page === "map/" ? "world" : /^cities\//.test(page) ? "place" : "group");
    document.querySelector(".atlas-embed-open").href = "../" + page;
    return page;
  }

  // ---- the data -------------------------------------------------------------

  function drawBasemap(url, layer) {
    if (!basemaps[url]) basemaps[url] = fetchJson(url);
    return basemaps[url].then(function (data) {
      [-360, 0, 360].forEach(function (dx) { // three copies: outlines under arcs drawn past +-180
        layer.options.coordsToLatLng = toLatLng(null, dx);
        layer.addData(data);
      });
      return data.features.length;
    });
  }

  function raisePlaces(entry) { // arcs that come back must not cover the places
    entry.points.eachLayer(function (layer) {
      if (entry.map.hasLayer(layer)) layer.bringToFront();
    });
  }

  // Each link type's layer (Folium's; its label comes from the data) draws its shown links as one
  // line per status (drawLinks): a few lines to draw, not thousands. The link under the pointer is
  // the nearest one of the line Leaflet finds there (pick); its tooltip and popup are that link's.
  function addLinks(entry, layers, features, coords) {
    features.forEach(function (f) {
      var p = f.properties, arc = { feature: f, year: p.year, on: true, z: null, px: null };
      if (!layers.links[p.type]) return;
      arc.latLngs = function () { return f.geometry.coordinates.map(coords); };
      entry.arcs.push(arc);
      entry.labels[p.type] = p.type_label;
      if (entry.statuses.indexOf(p.status) < 0) entry.statuses.push(p.status);
    });
    entry.types = Object.keys(entry.labels);
    Object.keys(layers.links).forEach(function (type) {
      var layer = layers.links[type];
      if (!entry.labels[type]) return entry.map.removeLayer(layer);
      layer.options.coordsToLatLng = coords;
      layer.on("mouseover mousemove click", function (event) { pick(entry, event); });
      layer.bindTooltip(function () { return tooltip(entry.picked); }, { sticky: true });
      layer.bindPopup(function () { return popup(entry)(entry.picked); }, POPUP);
    });
    entry.linkLayers = layers.links; // drawn once the controls have said which links to show (api.load)
  }

  function drawLinks(entry) { // each link shown when its type, its status and its year are all wanted
    var lines = {}, w = entry.wanted;
    entry.arcs.forEach(function (arc) {
      var p = arc.feature.properties, key = p.type + " " + p.status;
      arc.on = !entry.off["type:" + p.type] && !entry.off["status:" + p.status] && (arc.year === null ? w.undated : arc.year <= w.year);
      if (arc.on) (lines[key] = lines[key] || []).push(arc);
    });
    Object.keys(entry.linkLayers).forEach(function (type) { entry.linkLayers[type].clearLayers(); });
    Object.keys(lines).sort().forEach(function (key) {
      var arcs = lines[key], p = arcs[0].feature.properties;
      var line = { type: "Feature", arcs: arcs, properties: { type: p.type, status: p.status, stroke: p.stroke },
                   geometry: { type: "MultiLineString", coordinates: arcs.map(function (arc) { return arc.feature.geometry.coordinates; }) } };
      entry.linkLayers[p.type].addData(line);
    });
  }

  function pick(entry, event) { // the shown link nearest to the pointer, on the line under it
    var map = entry.map, z = map.getZoom(), at = map.project(event.latlng, z), best = null, least = Infinity;
    event.layer.feature.arcs.forEach(function (arc) {
      if (arc.z !== z) arc.px = arc.latLngs().map(function (ll) { return map.project(ll, z); });
      arc.z = z;
      for (var i = 1; i < arc.px.length; i++) {
        var d = L.LineUtil.pointToSegmentDistance(at, arc.px[i - 1], arc.px[i]);
        if (d < least) { least = d; best = arc; }
      }
    });
    if (best === entry.picked) return;
    entry.picked = best;
    if (event.type === "mousemove") event.target.setTooltipContent(function () { return tooltip(best); });
  }

  function addPlaces(entry, layers, features, coords) {
    layers.points.options.coordsToLatLng = coords;
    layers.points.addData(features);
    layers.points.eachLayer(function (layer) {
      entry.places[layer.feature.id] = layer.feature;
      entry.layers[layer.feature.id] = layer;
    });
    if (layers.cluster) layers.cluster.addLayers(layers.points.getLayers());
    // Places a cluster gives back after a zoom are drawn over the links again, so a click hits them.
    entry.map.on("zoomend", function () { raisePlaces(entry); });
    if (layers.cluster) layers.cluster.on("animationend", function () { raisePlaces(entry); });
    // On the layer that is on the map: places in a cluster are its children, not the points layer's.
    (layers.cluster || layers.points).bindTooltip(tooltip, { direction: "top" });
    // A click on places that overlap spreads them out; a click on one place opens its popup.
    layers.points.eachLayer(function (layer) { layers.spiderfier.addMarker(layer); });
    layers.spiderfier.addListener("click", function (layer) { openPopup(entry, layer); });
    layers.spiderfier.addListener("spiderfy", function () { entry.map.closePopup(); });
  }

  function openPopup(entry, layer, still) { // still: the view stays as it is (a shared address)
    var options = L.extend({ place: layer.feature.id }, POPUP, still ? { autoPan: false } : {});
    L.popup(options).setLatLng(layer.getLatLng()).setContent(popup(entry)(layer)).openOn(entry.map);
  }

  // The view of the data, set before anything is drawn (so drawn once), without animation.
  function fit(map, features, coords) {
    var south = Infinity, west = Infinity, north = -Infinity, east = -Infinity; // numbers: 25,000 features
    features.forEach(function (f) { // a place; a link's ends and middle (where a long arc bulges)
      var c = f.geometry.coordinates;
      (f.geometry.type === "Point" ? [c] : [c[0], c[c.length >> 1], c[c.length - 1]]).forEach(function (p) {
        var lng = coords.lng(p[0]);
        south = Math.min(south, p[1]); north = Math.max(north, p[1]);
        west = Math.min(west, lng); east = Math.max(east, lng);
      });
    });
    var bounds = L.latLngBounds(isFinite(south) ? [[south, west], [north, east]] : []);
    if (!bounds.isValid()) return map.setView([20, 0], 1, { animate: false });
    if (features.length === 1) return map.setView(bounds.getCenter(), 5, { animate: false }); // one place, no link
    var options = { padding: [24, 24], maxZoom: 7, animate: false }; // the padding on both sides: 48 px
    if (map.getBoundsZoom(bounds, false, L.point(48, 48)) >= 0.75) return map.fitBounds(bounds, options);
    // The world is wider than the map (a phone): zoom 0.75, about the places' mean longitude (for
    // the atlas, East Asia and the Americas' west), rather than a world too small to read. One view
    // set, not two: each redraws every layer.
    var places = features.filter(function (f) { return f.geometry.type === "Point"; });
    var lng = places.reduce(function (sum, f) { return sum + coords.lng(f.geometry.coordinates[0]); }, 0) / places.length;
    map.setView([bounds.getCenter().lat, lng], 0.75, { animate: false });
  }

  function entryOf(element, map, layers) {
    var entry = { id: element.id, element: element, map: map, t: api.words(element), points: layers.points, arcs: [], places: {}, layers: {},
                  labels: {}, statuses: [], pending: false, off: {}, wanted: { year: Infinity, undated: true },
                  asked: { year: null, undated: false } }; // asked: what the address asks the controls for (SharedView)
    entry.visibleArcs = function () {
      return entry.arcs.filter(function (arc) { return arc.on; }).length;
    };
    function refresh() { // the links again, once a frame at most, as the filters now say
      if (entry.pending) return;
      entry.pending = window.requestAnimationFrame(function () {
        entry.pending = false;
        drawLinks(entry);
        raisePlaces(entry);
        map.fire("atlas:shown");
      });
    }
    entry.refresh = refresh;
    entry.popup = function (layer) { return popup(entry)(layer); }; // a place's or a link's popup, as it opens
    entry.filter = function (year, undated) { // links signed up to year; undated ones or not (the year control)
      entry.wanted = { year: year, undated: undated, set: true };
      refresh();
    };
    entry.show = function (key, value, on) { // a type or a status, on or off (the legend)
      entry.off[key + ":" + value] = !on;
      refresh();
    };
    entry.open = function (layer, still) { // close enough that the place is out of its cluster (still: as it is)
      var zoom = layers.cluster ? layers.cluster.options.disableClusteringAtZoom : 5;
      if (!still) map.setView(layer.getLatLng(), Math.max(map.getZoom(), zoom), { animate: false });
      openPopup(entry, layer, still);
    };
    return entry;
  }

  function retitle(entry) { // the buttons of Leaflet and its plugins (zoom, full screen), in the page's words
    entry.element.querySelectorAll(".leaflet-control a[title]").forEach(function (button) {
      button.title = entry.t(button.title);
      if (button.hasAttribute("aria-label")) button.setAttribute("aria-label", entry.t(button.getAttribute("aria-label")));
    });
  }

  function gestures(map) { // wheel zoom, and one-finger dragging on a phone, while the map has the focus
    map.on("focus", function () { map.scrollWheelZoom.enable(); map.dragging.enable(); });
    map.on("blur", function () { map.scrollWheelZoom.disable(); if (L.Browser.mobile) map.dragging.disable(); });
  }

  // Folium's AtlasData element: load the page's GeoJSON (and the basemap) into the layers.
  api.load = function (element, map, layers) {
    // The spiderfier raises the Leaflet markers it moves; a circle marker is brought to the front.
    if (!L.CircleMarker.prototype.setZIndexOffset) L.CircleMarker.include({ setZIndexOffset: function () { return this.bringToFront(); } });
    gestures(map);
    var entry = entryOf(element, map, layers), tiles = null;
    map.eachLayer(function (layer) { if (layer instanceof L.TileLayer) tiles = layer; });
    entry.basemap = new Promise(function (resolve) { // the outlines only where tiles do not come (offline)
      tiles.once("tileerror", function () { resolve(drawBasemap(element.getAttribute("data-basemap"), layers.basemap)); });
    });
    var fetching = fetched[element.id] || fetchJson(element.getAttribute("data-src"));
    delete fetched[element.id];
    fetching.then(function (data) {
      var points = data.features.filter(function (f) { return f.geometry.type === "Point"; });
      var links = data.features.filter(function (f) { return f.geometry.type !== "Point"; });
      entry.focus = points.filter(function (f) { return f.properties.focus; })[0];
      if (entry.focus) links.forEach(function (f) { f.geometry = { type: "LineString", coordinates: joined(f.geometry) }; });
      else unwrap(points, links);
      var coords = entry.focus ? toLatLng(entry.focus.geometry.coordinates[0]) : toLatLng(null, 0);
      fit(map, points.concat(links), coords);
      // The tiles of the view are asked for as this callback returns (the browser's image loading
      // waits for it): they come over the network while the links and places are drawn (below).
      return { points: points, links: links, coords: coords };
    }).then(function (data) {
      var points = data.points, links = data.links, coords = data.coords;
      addLinks(entry, layers, links, coords);
      addPlaces(entry, layers, points, coords);
      // The controls and the links in a task of their own: a phone answers a tap in between (the
      // world map's one long task was the page's longest after the theme's own).
      return new Promise(function (resolve) { setTimeout(resolve); });
    }).then(function () {
      drawn[element.id] = entry;
      map.fire("atlas:ready", { entry: entry }); // the controls (SharedView first: they start as the address says)
      window.cancelAnimationFrame(entry.pending); // the links, once, as the controls now want them
      entry.pending = false;
      drawLinks(entry);
      raisePlaces(entry);
      map.fire("atlas:shown");
      retitle(entry);
      map.on("enterFullscreen exitFullscreen", function () { retitle(entry); });
      element.setAttribute("data-atlas-state", "ready");
    }).catch(function (error) { fail(element, error); });
  };

  // ---- the maps of the page -------------------------------------------------

  function fail(element, error) {
    element.setAttribute("data-atlas-state", "error");
    api.node(element, "p", "atlas-map-error", api.words(element)("The map could not be drawn."));
    console.error("atlas map #" + element.id + ":", error);
  }

  // ---- the map code, loaded only for a page with a map, once -------------------

  function files(name) {
    return (me.getAttribute(name) || "").split(" ").filter(Boolean);
  }
  var CSS = files("data-css"), JS = files("data-js"), KINDS = files("data-kinds"), loaded = {};

  function fetchFile(url) {
    if (!loaded[url]) loaded[url] = new Promise(function (resolve, reject) {
      var css = /\.css$/.test(url), element = document.createElement(css ? "link" : "script");
      if (css) { element.rel = "stylesheet"; element.href = url; } else { element.src = url; element.async = false; }
      element.onload = resolve;
      element.onerror = function () { reject(new Error("could not load " + url)); };
      document.head.appendChild(element);
    });
    return loaded[url];
  }

  function mapCode(kinds) { // styles at once, scripts in order: Leaflet, its plugins, then each kind
    var scripts = JS.concat(KINDS.filter(function (url) {
      return kinds.indexOf(url.replace(/^.*\/|\.js$/g, "")) >= 0;
    }));
    return Promise.all(CSS.map(fetchFile).concat(scripts.map(fetchFile)));
  }

  var fetched = {}; // each map's data, fetched while its code loads (api.load takes it)

  function draw(elements) {
    elements.forEach(function (element) {
      element.setAttribute("data-atlas-state", "loading");
      if (element.getAttribute("data-src")) fetched[element.id] = fetchJson(element.getAttribute("data-src"));
    });
    mapCode(elements.map(function (element) { return element.getAttribute("data-kind"); })).then(function () {
      elements.forEach(function (element) {
        try {
          window.atlasMapKinds[element.getAttribute("data-kind")](element);
        } catch (error) {
          fail(element, error);
        }
      });
    }, function (error) { elements.forEach(function (element) { fail(element, error); }); });
  }

  // A map is drawn when the reader comes near it: a map further down never delays the text.
  var near = window.IntersectionObserver && new IntersectionObserver(function (seen) {
    seen.forEach(function (s) {
      if (!s.isIntersecting) return;
      near.unobserve(s.target);
      draw([s.target]);
    });
  }, { rootMargin: "50% 0px" });

  // The page's maps, at once: this script is deferred, so the page is parsed (Material's instant
  // navigation is off: each page is a full load).
  document.querySelectorAll(".atlas-map:not([data-atlas-state])").forEach(function (element) {
    if (element.hasAttribute("data-embed")) element.setAttribute("data-embed", embed(element));
    element.setAttribute("data-atlas-state", "waiting");
    if (near && element.getBoundingClientRect().top > 1.5 * window.innerHeight) near.observe(element);
    else draw([element]); // in view, or nearly: at once
  });
})();
