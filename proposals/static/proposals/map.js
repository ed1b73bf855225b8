// The map of an edition's proposals and a proposal's own point. Without JavaScript the page shows the list.
(function () {
  "use strict";
  if (!window.L) return;
  function tiles(map, el) {
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    }
  }
  var all = document.getElementById("proposals-map");
  if (all) {
    var points = JSON.parse(document.getElementById("proposals-points").textContent);
    var map = L.map(all).setView([+all.dataset.lat, +all.dataset.lon], +all.dataset.zoom);
    tiles(map, all);
    var bounds = [];
    points.forEach(function (p) {
      var link = document.createElement("a");
      link.href = p.url;
      link.textContent = p.title;  // textContent: titles are residents' text, never HTML
      var box = document.createElement("div");
      box.appendChild(link);
      var status = document.createElement("div");
      status.textContent = p.status;
      box.appendChild(status);
      L.marker([p.lat, p.lon], { title: p.title, alt: p.title }).addTo(map).bindPopup(box);
      bounds.push([p.lat, p.lon]);
    });
    if (bounds.length > 1) map.fitBounds(bounds, { padding: [24, 24] });
  }
  var one = document.getElementById("proposal-point");
  if (one) {
    var point = JSON.parse(one.dataset.point);
    var small = L.map(one).setView([point.lat, point.lon], 16);
    tiles(small, one);
    L.marker([point.lat, point.lon]).addTo(small);
  }
})();
