/*
 * City Diplomacy Atlas: the maps. Our own code, drawn on top of Leaflet (and
 * Leaflet.markercluster when a map asks for clustering).
 *
 * Each `.atlas-map` element is drawn from a JSON spec: inline, in its
 * `data-spec-json` attribute, or fetched from its `data-src` URL (or, on a
 * standalone page, in the element its `data-spec` names). The spec format is
 * documented in macros/maps.py.
 *
 * Rules kept here: every name and label from the data goes into the page as text
 * (textContent / text nodes), never as HTML; links only get http(s) or relative
 * URLs; nothing is loaded from another host but the OpenStreetMap tiles.
 *
 * Works with Material's instant navigation: it draws the maps of each new page
 * (document$), and never draws the same element twice.
 * window.atlasMaps[id] describes each drawn map for tests and debugging.
 */
(function () {
  "use strict";

  var TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
  var TILE_ATTRIBUTION =
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';
  var BASEMAP_ATTRIBUTION =
    'Country outlines: <a href="https://www.naturalearthdata.com/">Natural Earth</a>';
  var DASHED = "6 5";
  var UNCLUSTER_ZOOM = 9;
  // Keep an open popup clear of the controls in the top corners.
  var POPUP_OPTIONS = { maxWidth: 300, autoPanPaddingTopLeft: [50, 110], autoPanPaddingBottomRight: [20, 20] };
  var ROLE_STYLE = {
    focus: { radius: 9, fillColor: "#b71c1c", weight: 2 },
    partner: { radius: 6, fillColor: "#1a237e", weight: 1.5 },
    member: { radius: 4.5, fillColor: "#37474f", weight: 1 }
  };
  var STATUS_TEXT = {
    active: "Active",
    ended: "Ended",
    suspended: "Suspended",
    disputed: "Disputed"
  };

  // Where the basemap is when neither the element nor the page says: beside this
  // script's folder (assets/atlas/atlas-map.js -> assets/vendor/basemap/...).
  // Resolved now, while document.currentScript is known, so that it stays right
  // after instant navigation changes the page URL.
  var DEFAULT_BASEMAP = null;
  try {
    if (document.currentScript && document.currentScript.src) {
      DEFAULT_BASEMAP = new URL("../vendor/basemap/countries.geojson", document.currentScript.src).href;
    }
  } catch (e) {
    DEFAULT_BASEMAP = null;
  }

  var registry = (window.atlasMaps = window.atlasMaps || {});
  var basemapRequests = {};
  var counter = 0;

  // -------------------------------------------------------------------------
  // Small helpers

  function node(tag, className, text) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined && text !== null) element.textContent = String(text);
    return element;
  }

  function textContent(text) {
    return function () {
      return document.createTextNode(text === undefined || text === null ? "" : String(text));
    };
  }

  function escapeHtml(text) {
    return String(text)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&#39;");
  }

  // The URL to put in href, or null when it is not a page link (javascript:, data: ...).
  function safeHref(url) {
    if (typeof url !== "string" || !url) return null;
    try {
      var protocol = new URL(url, document.baseURI).protocol;
      return protocol === "http:" || protocol === "https:" || protocol === "file:" ? url : null;
    } catch (e) {
      return null;
    }
  }

  function pageLink(url, text) {
    var href = safeHref(url);
    if (!href) return null;
    var a = node("a", "atlas-popup-link", text);
    a.href = href;
    return a;
  }

  function yearOf(link) {
    if (typeof link.year === "number" && isFinite(link.year)) return link.year;
    if (typeof link.signed === "string" && /^\d{4}/.test(link.signed)) return parseInt(link.signed.slice(0, 4), 10);
    return null;
  }

  function resolveUrl(url) {
    return new URL(url, document.baseURI).href;
  }

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status + " for " + url);
      return response.json();
    });
  }

  function stopEvents(container) {
    L.DomEvent.disableClickPropagation(container);
    L.DomEvent.disableScrollPropagation(container);
    // Keys typed into our controls must not pan or zoom the map.
    L.DomEvent.on(container, "keydown keyup keypress", L.DomEvent.stopPropagation);
  }

  // Four corner brackets, drawn (no icon font needed).
  function fullscreenIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "18");
    svg.setAttribute("height", "18");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", "M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5");
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", "currentColor");
    path.setAttribute("stroke-width", "2.2");
    svg.appendChild(path);
    return svg;
  }

  // -------------------------------------------------------------------------
  // Great-circle arcs

  var RAD = Math.PI / 180;

  // Points along the shorter great circle from (lat1, lon1) to (lat2, lon2), with
  // longitudes unwrapped: they start at lon1 exactly and never step by more than
  // 180 degrees, so an arc across the Pacific runs on past 180 (121 -> 264.6)
  // instead of jumping back to -95.
  // `coarse` (maps with many links): half as many segments, 8 to 32.
  function greatCircle(lat1, lon1, lat2, lon2, coarse) {
    var p1 = lat1 * RAD, l1 = lon1 * RAD, p2 = lat2 * RAD, l2 = lon2 * RAD;
    var x1 = Math.cos(p1) * Math.cos(l1), y1 = Math.cos(p1) * Math.sin(l1), z1 = Math.sin(p1);
    var x2 = Math.cos(p2) * Math.cos(l2), y2 = Math.cos(p2) * Math.sin(l2), z2 = Math.sin(p2);
    var dot = Math.max(-1, Math.min(1, x1 * x2 + y1 * y2 + z1 * z2));
    var angle = Math.acos(dot);
    var degrees = angle / RAD;
    var endLon = lon1 + (((lon2 - lon1) % 360) + 540) % 360 - 180;
    if (degrees < 0.5 || Math.sin(angle) < 1e-6) {
      // Near-identical (or antipodal) ends: a straight segment.
      return [[lat1, lon1], [lat2, endLon]];
    }
    // 8 to 64 segments: about one per 2 degrees of arc (long arcs get 64).
    var n = coarse ? Math.max(8, Math.min(32, Math.ceil(degrees / 4))) : Math.max(8, Math.min(64, Math.ceil(degrees / 2)));
    var sinAngle = Math.sin(angle);
    var out = [[lat1, lon1]];
    var previous = lon1;
    for (var i = 1; i <= n; i++) {
      var f = i / n;
      var a = Math.sin((1 - f) * angle) / sinAngle;
      var b = Math.sin(f * angle) / sinAngle;
      var x = a * x1 + b * x2, y = a * y1 + b * y2, z = a * z1 + b * z2;
      var lat = Math.atan2(z, Math.sqrt(x * x + y * y)) / RAD;
      var lon = Math.atan2(y, x) / RAD;
      lon += 360 * Math.round((previous - lon) / 360);
      out.push([lat, lon]);
      previous = lon;
    }
    return out;
  }

  function toLatLngs(points, offset) {
    var out = new Array(points.length);
    for (var i = 0; i < points.length; i++) out[i] = L.latLng(points[i][0], points[i][1] + offset);
    return out;
  }

  // -------------------------------------------------------------------------
  // Basemap (country outlines; one request per URL for the whole visit)

  function basemapUrl(element) {
    var url = element.getAttribute("data-basemap") || window.atlasBasemapUrl || DEFAULT_BASEMAP;
    return url ? resolveUrl(url) : null;
  }

  function loadBasemap(url) {
    if (!basemapRequests[url]) {
      basemapRequests[url] = fetchJson(url).catch(function (error) {
        delete basemapRequests[url]; // let a later page try again
        throw error;
      });
    }
    return basemapRequests[url];
  }

  function drawBasemap(map, url) {
    if (!url) return Promise.resolve(0);
    var pane = map.createPane("atlasBasemap");
    pane.style.zIndex = 150; // under the tiles (200): shows where tiles do not load
    pane.style.pointerEvents = "none";
    var renderer = L.canvas({ pane: "atlasBasemap", padding: 0.5 });
    var gone = false;
    map.on("unload", function () {
      gone = true;
    });
    return loadBasemap(url).then(
      function (data) {
        if (gone) return 0; // the map left the page meanwhile
        var style = {
          stroke: true,
          color: "#a8a8a0",
          weight: 0.7,
          fill: true,
          fillColor: "#f2efe6",
          fillOpacity: 1
        };
        var group = L.layerGroup();
        // Three copies, so outlines follow arcs and places drawn past +-180.
        [-360, 0, 360].forEach(function (offset) {
          L.geoJSON(data, {
            pane: "atlasBasemap",
            renderer: renderer,
            interactive: false,
            style: style,
            coordsToLatLng: function (c) {
              return L.latLng(c[1], c[0] + offset);
            }
          }).addTo(group);
        });
        group.addTo(map);
        map.attributionControl.addAttribution(BASEMAP_ATTRIBUTION);
        return (data.features || []).length;
      },
      function (error) {
        if (window.console) console.warn("atlas-map: no basemap (" + url + "):", error.message || error);
        return 0;
      }
    );
  }

  // -------------------------------------------------------------------------
  // Drawing one map

  function draw(element, spec) {
    var points = spec.points || [];
    var links = spec.links || [];
    var types = spec.types || [];
    var options = spec.options || {};
    var id = element.id || "atlas-map-" + ++counter;
    var figure = element.closest("figure") || element;

    var typeById = {};
    types.forEach(function (t) {
      typeById[t.id] = t;
    });
    function typeOf(link) {
      return typeById[link.type] || { id: String(link.type), label: String(link.type), color: "#616161" };
    }

    // Where each point is drawn: on a place map, on the focus's side of the
    // antimeridian (within 180 degrees of it), so every arc meets its places.
    var focus = -1;
    for (var f = 0; f < points.length; f++) {
      if (points[f].role === "focus") {
        focus = f;
        break;
      }
    }
    var lons = points.map(function (p) {
      if (focus < 0) return p.lon;
      return p.lon + 360 * Math.round((points[focus].lon - p.lon) / 360);
    });

    var renderer = L.canvas({ tolerance: 4 });
    var map = L.map(element, {
      renderer: renderer,
      preferCanvas: true,
      worldCopyJump: false,
      minZoom: 1,
      maxZoom: 18
    });
    L.tileLayer(TILE_URL, { maxZoom: 19, attribution: TILE_ATTRIBUTION }).addTo(map);

    var linksByPoint = points.map(function () {
      return [];
    });
    links.forEach(function (link, j) {
      if (linksByPoint[link.from]) linksByPoint[link.from].push(j);
      if (link.to !== link.from && linksByPoint[link.to]) linksByPoint[link.to].push(j);
    });

    // --- popups (DOM only) ---
    function linkDetails(link, withLabel) {
      var type = typeOf(link);
      var box = node("div", "atlas-popup-linkinfo");
      if (withLabel) box.appendChild(node("strong", "atlas-popup-title", link.label));
      var line = node("div", "atlas-popup-type");
      var swatch = node("span", "atlas-swatch");
      swatch.style.backgroundColor = type.color;
      line.appendChild(swatch);
      line.appendChild(document.createTextNode(type.label));
      box.appendChild(line);
      box.appendChild(node("div", "atlas-popup-date", link.signed ? "Signed " + link.signed : "Date not known"));
      box.appendChild(
        node(
          "div",
          STATUS_TEXT[link.status] ? "atlas-popup-status atlas-status-" + link.status : "atlas-popup-status",
          "Status: " + (STATUS_TEXT[link.status] || link.status)
        )
      );
      return box;
    }

    function linkPopup(j) {
      var link = links[j];
      var box = node("div", "atlas-popup");
      box.appendChild(linkDetails(link, true));
      var a = pageLink(link.url, "Open page");
      if (a) box.appendChild(a);
      return box;
    }

    function pointPopup(i) {
      var p = points[i];
      var box = node("div", "atlas-popup");
      box.appendChild(node("strong", "atlas-popup-title", p.name));
      if (p.country) box.appendChild(node("div", "atlas-popup-meta", p.country));
      if (focus >= 0 && p.role === "partner") {
        var mine = linksByPoint[i].filter(function (j) {
          return links[j].from === focus || links[j].to === focus;
        });
        if (mine.length) {
          var list = node("ul", "atlas-popup-links");
          list.setAttribute("aria-label", "Links with " + points[focus].name);
          mine.forEach(function (j) {
            var item = node("li");
            item.appendChild(linkDetails(links[j], mine.length > 1));
            var about = pageLink(links[j].url, "About this link");
            if (about) item.appendChild(about);
            list.appendChild(item);
          });
          box.appendChild(list);
        }
      } else if (linksByPoint[i].length) {
        var count = linksByPoint[i].length;
        box.appendChild(node("div", "atlas-popup-meta", count + (count === 1 ? " link on this map" : " links on this map")));
      }
      var a = pageLink(p.url, "Open page");
      if (a) box.appendChild(a);
      return box;
    }

    // --- arcs, one group per link type (in the spec's type order) ---
    // Many links: 1px lines (a canvas draws them several times faster than wider ones).
    var many = links.length > 500;
    var linkOfLayer = new Map();
    function arcTooltip(layer) {
      var link = links[linkOfLayer.get(layer)];
      return document.createTextNode(link ? String(link.label || typeOf(link).label) : "");
    }
    function arcPopup(layer) {
      var j = linkOfLayer.get(layer);
      return j === undefined ? node("div") : linkPopup(j);
    }
    var typeGroups = {};
    var typeOrder = [];
    var arcs = [];
    // The view: around every point and arc (on a world map, within -180..180).
    var view = { south: 90, west: Infinity, north: -90, east: -Infinity, count: 0 };
    function extendView(lat, lon) {
      if (focus < 0) lon = Math.max(-180, Math.min(180, lon));
      if (lat < view.south) view.south = lat;
      if (lat > view.north) view.north = lat;
      if (lon < view.west) view.west = lon;
      if (lon > view.east) view.east = lon;
      view.count++;
    }
    links.forEach(function (link, j) {
      var a = points[link.from], b = points[link.to];
      if (!a || !b) return;
      var type = typeOf(link);
      if (!typeGroups[type.id]) {
        // One tooltip and one popup per group, filled for the arc under the
        // pointer: far cheaper than one of each per arc on the world map.
        typeGroups[type.id] = L.featureGroup()
          .bindTooltip(arcTooltip, { sticky: true, className: "atlas-tooltip" })
          .bindPopup(arcPopup, POPUP_OPTIONS);
        typeOrder.push(type);
      }
      var latlngs = greatCircle(a.lat, lons[link.from], b.lat, lons[link.to], many);
      var dashed = link.status !== "active";
      var style = {
        renderer: renderer,
        color: type.color,
        weight: many ? 1 : 2.5,
        opacity: link.status === "ended" ? 0.55 : many ? 0.6 : 0.85,
        dashArray: dashed ? DASHED : null,
        smoothFactor: 1,
        bubblingMouseEvents: false
      };
      var layers = [L.polyline(toLatLngs(latlngs, 0), style)];
      var minLon = Infinity, maxLon = -Infinity;
      for (var k = 0; k < latlngs.length; k++) {
        var lon = latlngs[k][1];
        if (lon < minLon) minLon = lon;
        if (lon > maxLon) maxLon = lon;
        extendView(latlngs[k][0], lon);
      }
      if (focus < 0) {
        // A world map shows -180..180: an arc that runs past an edge is drawn
        // again, a world over, so it comes in at the other edge.
        if (maxLon > 180) layers.push(L.polyline(toLatLngs(latlngs, -360), style));
        if (minLon < -180) layers.push(L.polyline(toLatLngs(latlngs, 360), style));
      }
      layers.forEach(function (layer) {
        linkOfLayer.set(layer, j);
      });
      arcs.push({ index: j, type: type.id, year: yearOf(link), layers: layers, shown: false });
    });
    typeOrder.forEach(function (type) {
      typeGroups[type.id].addTo(map);
    });

    // --- points ---
    var markerLayers = points.map(function (p, i) {
      var style = ROLE_STYLE[p.role] || ROLE_STYLE.member;
      var marker = L.circleMarker([p.lat, lons[i]], {
        renderer: renderer,
        radius: style.radius,
        color: "#ffffff",
        weight: style.weight,
        fillColor: style.fillColor,
        fillOpacity: 0.95,
        bubblingMouseEvents: false
      });
      marker.bindTooltip(textContent(p.name), { direction: "top", className: "atlas-tooltip" });
      marker.bindPopup(function () {
        return pointPopup(i);
      }, POPUP_OPTIONS);
      extendView(p.lat, lons[i]);
      return marker;
    });
    var clustered = !!(options.cluster && typeof L.markerClusterGroup === "function");
    var markerGroup = clustered
      ? L.markerClusterGroup({
          showCoverageOnHover: false,
          maxClusterRadius: 40,
          // Points are circle markers, which the cluster plugin cannot spiderfy:
          // from this zoom on every point is shown on its own.
          disableClusteringAtZoom: UNCLUSTER_ZOOM,
          spiderfyOnMaxZoom: false
        })
      : L.featureGroup();
    if (clustered) markerGroup.addLayers(markerLayers);
    else markerLayers.forEach(function (m) {
      markerGroup.addLayer(m);
    });
    markerGroup.addTo(map);

    // Arcs and points share one canvas, drawn (and hit) in the order added: put
    // the points back on top after arcs come back.
    function raiseMarkers() {
      markerLayers.forEach(function (m) {
        if (map.hasLayer(m)) m.bringToFront();
      });
    }

    // --- timeline filter ---
    var filter = { year: Infinity, undated: true };
    function passes(arc) {
      return arc.year === null ? filter.undated : arc.year <= filter.year;
    }
    function applyFilter() {
      var added = false;
      arcs.forEach(function (arc) {
        var want = passes(arc);
        if (want === arc.shown) return;
        var group = typeGroups[arc.type];
        arc.layers.forEach(function (layer) {
          if (want) group.addLayer(layer);
          else group.removeLayer(layer);
        });
        arc.shown = want;
        added = added || want;
      });
      if (added) raiseMarkers();
    }
    applyFilter();

    // --- view ---
    function fit() {
      if (view.count === 0) {
        map.setView([20, 0], 1);
      } else if (points.length === 1 && arcs.length === 0) {
        map.setView([view.south, view.west], 5);
      } else {
        map.fitBounds([[view.south, view.west], [view.north, view.east]], { padding: [24, 24], maxZoom: 7 });
      }
    }
    fit();

    // --- controls ---
    var controls = {};

    // Legend: the link types on this map, with their colours.
    if (typeOrder.length) {
      var Legend = L.Control.extend({
        options: { position: "bottomleft" },
        onAdd: function () {
          // A plain box with a toggle button (Material restyles <details> as an admonition).
          var box = node("div", "atlas-legend leaflet-bar");
          var toggle = node("button", "atlas-legend-title", "Legend");
          toggle.type = "button";
          var listId = id + "-legend";
          toggle.setAttribute("aria-controls", listId);
          var open = element.clientWidth >= 480; // small maps start folded
          toggle.setAttribute("aria-expanded", open ? "true" : "false");
          box.appendChild(toggle);
          var list = node("ul", "atlas-legend-list");
          typeOrder.forEach(function (type) {
            var item = node("li");
            var swatch = node("span", "atlas-swatch");
            swatch.style.backgroundColor = type.color;
            item.appendChild(swatch);
            item.appendChild(document.createTextNode(type.label));
            list.appendChild(item);
          });
          var anyDashed = links.some(function (l) {
            return l.status !== "active";
          });
          if (anyDashed) {
            var item = node("li", "atlas-legend-dashed");
            item.appendChild(node("span", "atlas-swatch atlas-swatch-dashed"));
            item.appendChild(document.createTextNode("Dashed: ended, suspended or disputed"));
            list.appendChild(item);
          }
          list.id = listId;
          list.hidden = !open;
          toggle.addEventListener("click", function () {
            list.hidden = !list.hidden;
            toggle.setAttribute("aria-expanded", list.hidden ? "false" : "true");
          });
          box.appendChild(list);
          stopEvents(box);
          return box;
        }
      });
      controls.legend = new Legend().addTo(map);
    }

    // Layers: one overlay per link type. Leaflet reads overlay names as HTML: escape.
    if (options.layers && typeOrder.length) {
      var overlays = {};
      typeOrder.forEach(function (type) {
        overlays[escapeHtml(type.label)] = typeGroups[type.id];
      });
      controls.layers = L.control.layers(null, overlays, { collapsed: true, position: "topright" }).addTo(map);
      map.on("overlayadd", raiseMarkers);
    }

    // Search: find a place by name, fly to it and open it.
    function openPoint(i) {
      var marker = markerLayers[i];
      if (!marker) return;
      var latlng = marker.getLatLng();
      function open() {
        if (map.hasLayer(marker)) marker.openPopup();
        else L.popup(POPUP_OPTIONS).setLatLng(latlng).setContent(pointPopup(i)).openOn(map);
      }
      var zoom = Math.max(map.getZoom(), clustered ? UNCLUSTER_ZOOM : 5);
      map.once("moveend", function () {
        window.setTimeout(open, 0); // after the clusters have been redrawn
      });
      map.flyTo(latlng, zoom, { duration: 0.6 });
    }
    if (options.search && points.length) {
      var counts = {};
      points.forEach(function (p) {
        counts[p.name] = (counts[p.name] || 0) + 1;
      });
      var names = points.map(function (p) {
        return counts[p.name] > 1 && p.country ? p.name + " (" + p.country + ")" : String(p.name);
      });
      var Search = L.Control.extend({
        options: { position: "topright" },
        onAdd: function () {
          var box = node("div", "atlas-search leaflet-bar");
          var inputId = id + "-search";
          var label = node("label", "atlas-visually-hidden", "Find a place");
          label.htmlFor = inputId;
          var input = node("input", "atlas-search-input");
          input.type = "search";
          input.id = inputId;
          input.placeholder = "Find a place";
          input.autocomplete = "off";
          input.setAttribute("list", id + "-places");
          var datalist = node("datalist");
          datalist.id = id + "-places";
          names.slice().sort().forEach(function (name) {
            var option = document.createElement("option");
            option.value = name;
            datalist.appendChild(option);
          });
          function go() {
            var wanted = input.value.trim().toLowerCase();
            if (!wanted) return;
            for (var i = 0; i < names.length; i++) {
              if (names[i].toLowerCase() === wanted) {
                openPoint(i);
                return;
              }
            }
          }
          input.addEventListener("change", go);
          input.addEventListener("keydown", function (event) {
            if (event.key === "Enter") {
              event.preventDefault();
              go();
            }
          });
          box.appendChild(label);
          box.appendChild(input);
          box.appendChild(datalist);
          stopEvents(box);
          return box;
        }
      });
      controls.search = new Search().addTo(map);
    }

    // Full screen: the Fullscreen API on the figure, else a CSS class.
    if (options.fullscreen) {
      var FullScreen = L.Control.extend({
        options: { position: "topleft" },
        onAdd: function () {
          var box = node("div", "atlas-fullscreen leaflet-bar");
          var button = node("button", "atlas-fullscreen-button");
          button.appendChild(fullscreenIcon());
          button.type = "button";
          button.setAttribute("aria-label", "Full screen");
          button.title = "Full screen";
          button.setAttribute("aria-pressed", "false");
          function isFull() {
            return document.fullscreenElement === figure || figure.classList.contains("atlas-map-figure--fullscreen");
          }
          function update() {
            var full = isFull();
            button.setAttribute("aria-pressed", full ? "true" : "false");
            button.title = full ? "Exit full screen" : "Full screen";
            button.setAttribute("aria-label", button.title);
            map.invalidateSize();
          }
          function fallback(on) {
            figure.classList.toggle("atlas-map-figure--fullscreen", on);
            update();
          }
          button.addEventListener("click", function () {
            if (document.fullscreenElement === figure) {
              document.exitFullscreen();
            } else if (figure.classList.contains("atlas-map-figure--fullscreen")) {
              fallback(false);
            } else if (document.fullscreenEnabled && figure.requestFullscreen) {
              figure.requestFullscreen().catch(function () {
                fallback(true);
              });
            } else {
              fallback(true);
            }
          });
          document.addEventListener("fullscreenchange", update);
          map.on("unload", function () {
            document.removeEventListener("fullscreenchange", update);
          });
          figure.addEventListener("keydown", function (event) {
            if (event.key === "Escape" && figure.classList.contains("atlas-map-figure--fullscreen")) fallback(false);
          });
          box.appendChild(button);
          stopEvents(box);
          return box;
        }
      });
      controls.fullscreen = new FullScreen().addTo(map);
    }

    // Timeline: hide the links signed after a chosen year.
    var years = arcs
      .map(function (arc) {
        return arc.year;
      })
      .filter(function (y) {
        return y !== null;
      });
    if (options.timeline && years.length) {
      var minYear = Math.min.apply(null, years);
      var maxYear = Math.max.apply(null, years);
      filter.year = maxYear;
      var Timeline = L.Control.extend({
        options: { position: "bottomright" },
        onAdd: function () {
          var box = node("div", "atlas-timeline leaflet-bar");
          var rangeId = id + "-year";
          var label = node("label", "atlas-timeline-label", "Links signed up to: ");
          label.htmlFor = rangeId;
          var output = node("output", "atlas-timeline-year", maxYear);
          output.htmlFor = rangeId;
          label.appendChild(output);
          var range = node("input", "atlas-timeline-range");
          range.type = "range";
          range.id = rangeId;
          range.min = String(minYear);
          range.max = String(maxYear);
          range.step = "1";
          range.value = String(maxYear);
          var undatedLabel = node("label", "atlas-timeline-undated");
          var undated = node("input");
          undated.type = "checkbox";
          undated.checked = true;
          undatedLabel.appendChild(undated);
          undatedLabel.appendChild(document.createTextNode(" include undated"));
          var pending = false;
          function schedule() {
            output.textContent = range.value;
            if (pending) return;
            pending = true;
            window.requestAnimationFrame(function () {
              pending = false;
              filter.year = parseInt(range.value, 10);
              filter.undated = undated.checked;
              applyFilter();
            });
          }
          range.addEventListener("input", schedule);
          range.addEventListener("change", schedule);
          undated.addEventListener("change", schedule);
          box.appendChild(label);
          box.appendChild(range);
          box.appendChild(undatedLabel);
          stopEvents(box);
          return box;
        }
      });
      controls.timeline = new Timeline().addTo(map);
    }

    // Keep the map the size of its element (tabs, full screen, layout changes).
    var size = { w: element.clientWidth, h: element.clientHeight };
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(function () {
        if (!document.documentElement.contains(element)) return; // left the page
        var w = element.clientWidth, h = element.clientHeight;
        if (w === size.w && h === size.h) return;
        var wasHidden = size.w === 0 || size.h === 0;
        size = { w: w, h: h };
        map.invalidateSize();
        if (wasHidden && w && h) fit();
      });
      observer.observe(element);
      map.on("unload", function () {
        observer.disconnect();
      });
    }

    var basemap = drawBasemap(map, basemapUrl(element));

    var entry = {
      id: id,
      map: map,
      element: element,
      markers: markerLayers.length,
      arcs: arcs.length,
      types: typeOrder.map(function (t) {
        return t.id;
      }),
      clustered: clustered,
      controls: controls,
      basemap: basemap,
      visibleArcs: function () {
        return arcs.filter(function (arc) {
          return arc.shown && map.hasLayer(typeGroups[arc.type]);
        }).length;
      },
      // The drawn arc of links[j] as [[lat, lon], ...] (unwrapped longitudes).
      arcLatLngs: function (j) {
        for (var k = 0; k < arcs.length; k++) {
          if (arcs[k].index === j) return arcs[k].layers[0].getLatLngs().map(function (p) {
            return [p.lat, p.lng];
          });
        }
        return null;
      },
      // Browser coordinates of point i in the page (for tests), or null when hidden.
      pointPosition: function (i) {
        var marker = markerLayers[i];
        if (!marker || !map.hasLayer(marker)) return null;
        var p = map.latLngToContainerPoint(marker.getLatLng());
        var box = element.getBoundingClientRect();
        return { x: box.left + p.x, y: box.top + p.y };
      },
      openPoint: openPoint,
      setTimeline: function (year, undated) {
        filter.year = year;
        filter.undated = undated !== false;
        applyFilter();
      },
      readyAt: window.performance ? performance.now() : null
    };
    registry[id] = entry;
    element.setAttribute("data-atlas-state", "ready");
    element.dispatchEvent(new CustomEvent("atlas:ready", { bubbles: true, detail: { id: id } }));
    return entry;
  }

  // -------------------------------------------------------------------------
  // Finding the maps of the page

  function fail(element, error) {
    element.setAttribute("data-atlas-state", "error");
    element.textContent = "";
    element.appendChild(node("p", "atlas-map-error", "The map could not be drawn."));
    if (window.console) console.error("atlas-map #" + element.id + ":", error);
  }

  function setup(element) {
    if (element.getAttribute("data-atlas-state")) return; // drawn, or on its way
    element.setAttribute("data-atlas-state", "loading");
    if (!window.L) {
      fail(element, new Error("Leaflet is not loaded"));
      return;
    }
    var src = element.getAttribute("data-src");
    if (src) {
      fetchJson(resolveUrl(src))
        .then(function (spec) {
          draw(element, spec);
        })
        .catch(function (error) {
          fail(element, error);
        });
      return;
    }
    try {
      var text = element.getAttribute("data-spec-json");
      if (text === null) {
        // Or the id of a <script type="application/json"> / <template> holding it
        // (standalone pages only: instant navigation strips such scripts).
        var holder = document.getElementById(element.getAttribute("data-spec"));
        if (!holder) throw new Error("no data-spec-json, data-src or data-spec element");
        text = holder.content ? holder.content.textContent : holder.textContent;
      }
      draw(element, JSON.parse(text));
    } catch (error) {
      fail(element, error);
    }
  }

  // Forget maps whose element left the page (instant navigation swapped it out).
  function prune() {
    Object.keys(registry).forEach(function (key) {
      var entry = registry[key];
      if (entry && entry.element && !document.documentElement.contains(entry.element)) {
        try {
          entry.map.remove();
        } catch (e) {
          /* already gone */
        }
        delete registry[key];
      }
    });
  }

  function init() {
    prune();
    var elements = document.querySelectorAll(".atlas-map");
    for (var i = 0; i < elements.length; i++) setup(elements[i]);
  }

  // Material's bundle (which defines document$) loads at the end of <body>, after
  // this script when this script is in <head>: look for it once the page is parsed.
  // document$ emits now and after each instant-navigation page swap.
  function start() {
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(function () {
        init();
      });
    } else {
      init();
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

  window.atlasMapInit = init;
})();
