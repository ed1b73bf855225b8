// Pick a proposal's point on a map: a click fills the latitude and longitude fields (which also work typed).
(function () {
  "use strict";
  var el = document.getElementById("point-picker");
  var lat = document.getElementById("id_latitude");
  var lon = document.getElementById("id_longitude");
  if (!window.L || !el || !lat || !lon) return;
  el.hidden = false;
  var start = lat.value && lon.value ? [+lat.value, +lon.value] : [52.04, 76.92];
  var map = L.map(el).setView(start, lat.value ? 16 : 13);
  if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
  var marker = lat.value && lon.value ? L.marker(start).addTo(map) : null;
  map.on("click", function (e) {
    lat.value = e.latlng.lat.toFixed(6);
    lon.value = e.latlng.lng.toFixed(6);
    if (marker) marker.setLatLng(e.latlng); else marker = L.marker(e.latlng).addTo(map);
  });
})();
