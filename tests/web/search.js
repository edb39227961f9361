// Filters the leaflet list as the reader types: a leaflet stays when its title and summary hold every word
// typed (case ignored), and the status line says how many are left.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("find");
  const count = document.getElementById("count");
  const items = Array.from(document.querySelectorAll("#leaflets > li"));
  document.getElementById("find-form").addEventListener("submit", (event) => event.preventDefault());
  box.addEventListener("input", () => {
    const words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const item of items) {
      const text = item.textContent.toLowerCase();
      item.hidden = !words.every((word) => text.includes(word));
      shown += item.hidden ? 0 : 1;
    }
    count.textContent = shown === 0 ? "No leaflet matches"
      : `${shown} leaflet${shown === 1 ? "" : "s"}`;
  });
});
