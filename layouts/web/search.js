/* The catalogue's search (leafbind). The list of leaflets is in the page; this script shows the search box and
   hides the leaflets that do not match every word typed. Letters match without regard to case or accents
   ("allergy" finds "Allérgy"). The index is the JSON inside the page, so nothing is fetched: the search works
   from a web server and from a folder opened on the disk alike.

   With leaflets in several languages, the page's language filter (links to #lang-<tag>, which the page's own
   style rules obey without JavaScript) narrows the search too: a leaflet is shown when it is in the language
   chosen and matches every word; the link of the language chosen is marked as the current one. */
(function () {
  "use strict";
  var box = document.getElementById("search-box");
  var list = document.getElementById("leaflets");
  var data = document.getElementById("search-index");
  var status = document.getElementById("search-status");
  var search = document.getElementById("search");
  if (!box || !list || !data || !search) { return; }

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLocaleLowerCase();
  }

  var index;
  try { index = JSON.parse(data.textContent); } catch (error) { return; }
  var items = list.querySelectorAll(":scope > li");
  var entries = [];
  for (var i = 0; i < items.length && i < index.length; i++) {
    entries.push({ item: items[i], text: fold(index[i].text) });
  }

  var filters = document.querySelectorAll("#language-filter a[data-lang]");

  function chosenLanguage() {
    var hash = decodeURIComponent(window.location.hash || "");
    return hash.indexOf("#lang-") === 0 ? hash.slice(6) : "";
  }

  function markLanguage(lang) {
    for (var i = 0; i < filters.length; i++) {
      if (filters[i].getAttribute("data-lang") === lang) {
        filters[i].setAttribute("aria-current", "true");
      } else {
        filters[i].removeAttribute("aria-current");
      }
    }
  }

  function update() {
    var words = fold(box.value).split(/\s+/).filter(Boolean);
    var lang = chosenLanguage();
    var shown = 0;
    markLanguage(lang);
    entries.forEach(function (entry) {
      var match = (!lang || entry.item.getAttribute("data-lang") === lang) &&
        words.every(function (word) { return entry.text.indexOf(word) !== -1; });
      entry.item.hidden = !match;
      if (match) { shown++; }
    });
    if (!words.length) {
      status.textContent = "";
    } else if (shown === 0) {
      status.textContent = "No leaflet matches \u201c" + box.value.trim() + "\u201d.";
    } else {
      status.textContent = shown + (shown === 1 ? " leaflet matches." : " leaflets match.");
    }
  }

  search.hidden = false;
  search.querySelector("form").addEventListener("submit", function (event) { event.preventDefault(); });
  box.addEventListener("input", update);
  window.addEventListener("hashchange", update);
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) { box.value = query; }
  update();
})();
