// Checkout address (issue 7): narrows the city list to the chosen province and the
// district list to the chosen city. Without JavaScript every city and district is
// listed in groups and the district alone decides, so this file only adds to the
// form. Codes nest: a city's code starts with its province's, a district's with
// its city's. Loaded with the page's CSP nonce; no inline script.
(function () {
  "use strict";

  function groups(select) {
    return Array.prototype.slice.call(select.querySelectorAll("optgroup")).map(function (g) {
      return g.cloneNode(true);
    });
  }

  // show keeps the first (placeholder) option and the groups whose code passes keep,
  // and restores the selection when it is still offered.
  function show(select, all, keep) {
    var chosen = select.value;
    while (select.children.length > 1) {
      select.removeChild(select.lastElementChild);
    }
    all.forEach(function (g) {
      if (keep(g.getAttribute("data-code"))) {
        select.appendChild(g.cloneNode(true));
      }
    });
    select.value = chosen;
    if (select.value !== chosen) {
      select.value = "";
    }
  }

  function init() {
    var province = document.getElementById("f-province");
    var city = document.getElementById("f-city");
    var district = document.getElementById("f-region");
    if (!province || !city || !district || district.dataset.bound) {
      return;
    }
    district.dataset.bound = "1";
    var cities = groups(city);
    var districts = groups(district);
    // A district chosen (or restored) first decides its city and province.
    if (district.value) {
      province.value = district.value.slice(0, 2);
      city.value = district.value.slice(0, 4);
    }
    function narrowCities() {
      var p = province.value;
      show(city, cities, function (code) { return !p || code === p; });
      if (city.value && p && city.value.slice(0, 2) !== p) {
        city.value = "";
      }
    }
    function narrowDistricts() {
      var p = province.value;
      var c = city.value;
      show(district, districts, function (code) {
        return c ? code === c : !p || code.slice(0, 2) === p;
      });
    }
    province.addEventListener("change", function () {
      narrowCities();
      narrowDistricts();
    });
    city.addEventListener("change", narrowDistricts);
    district.addEventListener("change", function () {
      if (district.value) {
        province.value = district.value.slice(0, 2);
        narrowCities();
        city.value = district.value.slice(0, 4);
      }
    });
    narrowCities();
    narrowDistricts();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
