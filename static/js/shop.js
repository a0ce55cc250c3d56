// Small progressive enhancements; every page works without this file.
"use strict";

// Filters fold away on phones; on wide screens they stand open beside the results.
for (const panel of document.querySelectorAll("details[data-open-on-wide-screens]")) {
  if (window.matchMedia("(min-width: 900px)").matches) panel.open = true;
}

// Checkout: the parcel totals and the total to pay follow the delivery chosen (the server counts them
// the same way when the order is placed).
const grandTotal = document.querySelector("[data-grand-total]");
if (grandTotal) {
  const money = new Intl.NumberFormat(grandTotal.dataset.lang === "lt" ? "lt-LT" : "en", { style: "currency", currency: "EUR" });
  const recount = () => {
    let delivery = 0;
    for (const chosen of document.querySelectorAll("input[data-fee]:checked")) {
      const fee = Number(chosen.dataset.fee);
      delivery += fee;
      const parcel = document.querySelector(`[data-parcel-total="${chosen.dataset.parcel}"]`);
      if (parcel) parcel.textContent = money.format((Number(parcel.dataset.goods) + fee) / 100);
    }
    document.querySelector("[data-delivery-total]").textContent = money.format(delivery / 100);
    grandTotal.textContent = money.format((Number(grandTotal.dataset.goods) + delivery) / 100);
  };
  document.querySelectorAll("input[data-fee]").forEach((radio) => radio.addEventListener("change", recount));
}

// Checkout: a parcel's locker field shows only while a parcel locker is chosen for it.
for (const group of document.querySelectorAll("[data-locker-field]")) {
  const field = document.getElementById(group.dataset.lockerField);
  const radios = group.querySelectorAll("input[type=radio]");
  const update = () => {
    const chosen = group.querySelector("input[type=radio]:checked");
    field.hidden = !(chosen && chosen.dataset.locker === "true") && !field.querySelector("[aria-invalid]");
  };
  radios.forEach((radio) => radio.addEventListener("change", update));
  update();
}

// A form sent once is not sent again by a second click (the server would refuse a duplicate anyway).
for (const button of document.querySelectorAll("button[data-once]")) {
  button.form.addEventListener("submit", () => {
    window.setTimeout(() => { button.disabled = true; }, 0);
  });
  window.addEventListener("pageshow", () => { button.disabled = false; }); // back to the page: usable again
}

// A form that came back with errors: take the keyboard and screen reader straight to the summary.
document.getElementById("form-errors")?.focus();

// A listing's product type fills in its safety warning as the type changes, unless the member has written
// their own words: the same rule as the server's when it saves (an empty warning takes the template).
const productType = document.querySelector("[data-safety-warnings] select");
if (productType) {
  const boxes = { Lt: document.getElementById("safety_notes_lt"), En: document.getElementById("safety_notes_en") };
  const template = (option, language) => ((option && option.dataset[`warning${language}`]) || "").trim();
  let before = productType.selectedOptions[0];
  productType.addEventListener("change", () => {
    const chosen = productType.selectedOptions[0];
    for (const [language, box] of Object.entries(boxes)) {
      const text = box.value.replace(/\r\n/g, "\n").trim();
      if (!text || text === template(before, language)) box.value = template(chosen, language);
    }
    before = chosen;
  });
}

// The work areas' navigation scrolls sideways on a phone: start with the current page in sight, and bring a
// link the keyboard reaches wholly into sight (browsers stop at a partly hidden one). The page never moves.
// A group's page marks its group in the first row (aria-current="true") and itself in the second.
for (const list of document.querySelectorAll(".work-nav-list")) {
  const current = list.querySelector("[aria-current]");
  if (current) {
    const link = current.getBoundingClientRect();
    const bar = list.getBoundingClientRect();
    if (link.right > bar.right || link.left < bar.left) list.scrollLeft += link.left - bar.left - (bar.width - link.width) / 2;
  }
  list.addEventListener("focusin", (event) => {
    event.target.scrollIntoView({ block: "nearest", inline: "nearest" });
  });
}

// The search box offers products as you type (the ARIA combobox pattern: arrows move through the list, Enter
// opens the product, Escape closes the list). One request per 150 ms pause in typing at most; without this
// file the search box is a plain form.
const searchBox = document.querySelector("input[data-suggest]");
if (searchBox) {
  const list = document.createElement("ul");
  list.id = `${searchBox.id}-suggestions`;
  list.className = "suggestions";
  list.hidden = true;
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", searchBox.dataset.suggestLabel);
  searchBox.after(list);
  searchBox.setAttribute("role", "combobox");
  searchBox.setAttribute("aria-autocomplete", "list");
  searchBox.setAttribute("aria-controls", list.id);
  searchBox.setAttribute("aria-expanded", "false");
  searchBox.autocomplete = "off";
  let options = [];
  let active = -1;
  let timer = 0;
  let pending = null;
  const choose = (index) => {
    active = index;
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    if (index >= 0) searchBox.setAttribute("aria-activedescendant", options[index].id);
    else searchBox.removeAttribute("aria-activedescendant");
  };
  const close = () => {
    list.hidden = true;
    searchBox.setAttribute("aria-expanded", "false");
    choose(-1);
  };
  const open = () => {
    if (!options.length) return;
    list.hidden = false;
    searchBox.setAttribute("aria-expanded", "true");
  };
  const show = (suggestions) => {
    options = suggestions.map((suggestion, i) => {
      const option = document.createElement("li");
      option.id = `${list.id}-${i}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.url = suggestion.url;
      option.textContent = suggestion.name;
      // mousedown, not click: the search box keeps the focus, so its blur does not close the list first
      option.addEventListener("mousedown", (event) => { event.preventDefault(); window.location.assign(suggestion.url); });
      return option;
    });
    list.replaceChildren(...options);
    choose(-1);
    if (options.length) open(); else close();
  };
  const ask = async () => {
    const query = searchBox.value.trim();
    pending?.abort();
    if (query.length < 2) { show([]); return; }
    pending = new AbortController();
    const url = `${searchBox.dataset.suggest}?q=${encodeURIComponent(query)}&language=${document.documentElement.lang}`;
    try {
      const response = await fetch(url, { signal: pending.signal, headers: { Accept: "application/json" } });
      // anything but a list (too many requests, a server error) shows nothing rather than an older list
      show(response.ok ? (await response.json()).suggestions : []);
    } catch (error) {
      if (error.name !== "AbortError") show([]); // offline: the plain search still works
    }
  };
  searchBox.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 150);
  });
  searchBox.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!options.length) return;
      event.preventDefault();
      if (list.hidden) open();
      // from the box (-1) through the options and back to the box, either way round
      const next = active + (event.key === "ArrowDown" ? 1 : -1);
      choose(next >= options.length ? -1 : next < -1 ? options.length - 1 : next);
    } else if (event.key === "Enter" && !list.hidden && active >= 0) {
      event.preventDefault();
      window.location.assign(options[active].dataset.url);
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      close();
    }
  });
  searchBox.addEventListener("blur", close);
}
