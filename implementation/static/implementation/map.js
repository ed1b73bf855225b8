// The map of an edition's projects, coloured by nothing but placed by their proposals' points.
// Without JavaScript (or without tiles) the page still lists every project with an "On the map" link.
(function () {
  "use strict";
  var el = document.getElementById("implementation-map");
  if (!window.L || !el) return;
  var points = JSON.parse(document.getElementById("implementation-points").textContent);
  var map = L.map(el).setView([points[0].lat, points[0].lon], 14);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
  }
  var bounds = [];
  points.forEach(function (p) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = p.url;
    link.textContent = p.title;  // textContent: titles are residents' text, never HTML
    box.appendChild(link);
    var status = document.createElement("div");
    status.textContent = p.status + " · " + p.progress + "%";
    box.appendChild(status);
    L.marker([p.lat, p.lon], { title: p.title, alt: p.title }).addTo(map).bindPopup(box);
    bounds.push([p.lat, p.lon]);
  });
  if (bounds.length > 1) map.fitBounds(bounds, { padding: [24, 24] });
})();
