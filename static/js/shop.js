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

// Checkout: a parcel's locker select becomes a type-ahead over the chosen carrier's lockers (name, street,
// town, postal code; "ked" finds Kėdainiai), the ARIA combobox pattern like the search box's. The carrier's
// list is fetched once; "Show the nearest" asks for the location only when pressed. The choice is written
// into the select, which the server reads; without this file the select itself is the picker.
const foldText = (text) => text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
const lockerLists = {};
const loadLockers = (url) => {
  lockerLists[url] ??= fetch(url, { headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : { lockers: [] }))
    .then(({ lockers }) => lockers.map((locker) => ({
      ...locker,
      line: `${locker.name}, ${locker.address}, ${[locker.postal_code, locker.town].filter(Boolean).join(" ")}`,
      town_key: foldText(locker.town),
      keys: foldText(`${locker.name} ${locker.address} ${locker.town} ${locker.postal_code}`).split(/[^a-z0-9]+/).filter(Boolean),
      text: foldText(`${locker.name} ${locker.address} ${locker.town} ${locker.postal_code}`),
    })))
    .catch(() => { delete lockerLists[url]; return []; });
  return lockerLists[url];
};
// How well a locker answers the words typed: the town first, then a word's start, then anywhere; -1: not at all.
const lockerRank = (locker, words) => {
  let rank = 0;
  for (const word of words) {
    if (locker.town_key.startsWith(word)) continue;
    if (locker.keys.some((key) => key.startsWith(word))) rank = Math.max(rank, 1);
    else if (locker.text.includes(word)) rank = Math.max(rank, 2);
    else return -1;
  }
  return rank;
};
const distanceKm = (from, locker) => {
  const rad = Math.PI / 180;
  const dLat = (locker.lat - from.latitude) * rad;
  const dLon = (locker.lon - from.longitude) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(from.latitude * rad) * Math.cos(locker.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 12742 * Math.asin(Math.sqrt(a));
};
let pickerCount = 0;
for (const picker of document.querySelectorAll("[data-locker-picker]")) {
  const select = picker.querySelector("select[data-locker-select]");
  const radios = picker.closest("fieldset")?.querySelectorAll("input[type=radio][data-locker]") ?? [];
  const labels = picker.dataset;
  const n = ++pickerCount;
  const box = document.createElement("div");
  box.className = "locker-combo";
  const input = document.createElement("input");
  input.type = "text";
  input.id = `${select.id}-search`;
  input.autocomplete = "off";
  input.spellcheck = false;
  input.placeholder = labels.labelSearch;
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-describedby", select.getAttribute("aria-describedby"));
  if (select.getAttribute("aria-invalid")) input.setAttribute("aria-invalid", "true");
  const list = document.createElement("ul");
  list.id = `locker-options-${n}`;
  list.className = "suggestions locker-options";
  list.hidden = true;
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", labels.labelList);
  input.setAttribute("aria-controls", list.id);
  const nearest = document.createElement("button");
  nearest.type = "button";
  nearest.className = "button button-quiet button-small locker-nearest";
  nearest.textContent = labels.labelNearest;
  const status = document.createElement("p");
  status.className = "hint locker-status";
  status.setAttribute("aria-live", "polite");
  box.append(input, list);
  picker.querySelector("label").htmlFor = input.id;
  select.before(box, nearest, status);
  select.hidden = true;
  select.tabIndex = -1;

  let lockers = [];
  let options = [];
  let active = -1;
  let here = null;
  const carrier = () => [...radios].find((radio) => radio.checked && radio.dataset.locker === "true")?.value;
  const showChosen = () => {
    const chosen = select.selectedOptions[0];
    input.value = chosen && chosen.value ? chosen.textContent.replace(" — ", ", ") : "";
  };
  const choose = (index) => {
    active = index;
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else input.removeAttribute("aria-activedescendant");
  };
  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    choose(-1);
  };
  const pick = (locker) => {
    let option = select.querySelector(`option[value="${locker.id}"]`);
    if (!option) { // a locker the page did not list: the server checks it all the same
      option = new Option(locker.line, locker.id);
      select.append(option);
    }
    select.value = String(locker.id);
    input.value = locker.line;
    input.removeAttribute("aria-invalid");
    close();
  };
  const render = (found) => {
    options = found.slice(0, 40).map(({ locker, km }, i) => {
      const option = document.createElement("li");
      option.id = `${list.id}-${i}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      const name = document.createElement("strong");
      name.textContent = locker.name;
      const where = document.createElement("span");
      where.textContent = `${locker.address}, ${[locker.postal_code, locker.town].filter(Boolean).join(" ")}${km === undefined ? "" : ` · ${km.toLocaleString(document.documentElement.lang, { maximumFractionDigits: 1 })} km`}`;
      option.append(name, where);
      option.addEventListener("mousedown", (event) => { event.preventDefault(); pick(locker); });
      option.locker = locker;
      return option;
    });
    if (!options.length) {
      const empty = document.createElement("li");
      empty.className = "locker-none";
      empty.textContent = labels.labelNone;
      list.replaceChildren(empty);
    } else list.replaceChildren(...options);
    choose(options.length ? 0 : -1);
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  };
  let loading = null;
  const search = () => {
    if (loading) { // typed before the carrier's list arrived: search it once it is here, not an empty one
      loading.then(() => { if (document.activeElement === input) search(); });
      return;
    }
    const words = foldText(input.value).split(/[^a-z0-9]+/).filter(Boolean);
    if (!words.length && !here) { close(); return; }
    const found = [];
    for (const locker of lockers) {
      const rank = words.length ? lockerRank(locker, words) : 0;
      if (rank < 0) continue;
      const km = here && locker.lat != null && locker.lon != null ? distanceKm(here, locker) : undefined;
      found.push({ locker, rank, km });
    }
    found.sort((a, b) => a.rank - b.rank || (a.km ?? 0) - (b.km ?? 0)
      || a.locker.town.localeCompare(b.locker.town, "lt") || a.locker.name.localeCompare(b.locker.name, "lt"));
    render(found);
  };
  const load = async () => {
    const method = carrier();
    if (!method) return; // the box hides while no locker delivery is chosen (above)
    loading = loadLockers(labels.lockersUrl.replace("CARRIER", method));
    lockers = await loading;
    loading = null;
    const chosen = select.selectedOptions[0];
    if (chosen && chosen.value && chosen.dataset.carrier && chosen.dataset.carrier !== method) {
      select.value = ""; // another carrier's locker cannot take this parcel
    }
    if (document.activeElement !== input) showChosen(); // never wipe what the customer is typing
  };
  input.addEventListener("input", () => {
    select.value = ""; // typing drops the choice until a locker is picked again
    search();
  });
  input.addEventListener("focus", () => { if (here && !input.value) search(); });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (list.hidden) { search(); return; }
      if (!options.length) return;
      const next = active + (event.key === "ArrowDown" ? 1 : -1);
      choose(next >= options.length ? 0 : next < 0 ? options.length - 1 : next);
    } else if (event.key === "Enter" && !list.hidden) {
      event.preventDefault(); // Enter picks; it never sends the order half-chosen
      if (active >= 0) pick(options[active].locker);
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", close);
  nearest.addEventListener("click", () => {
    if (!navigator.geolocation) { status.textContent = labels.labelNoLocation; return; }
    status.textContent = labels.labelLocating;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        here = position.coords;
        status.textContent = "";
        input.value = "";
        select.value = "";
        input.focus();
        search();
      },
      () => { status.textContent = labels.labelNoLocation; },
      { maximumAge: 600000, timeout: 10000 },
    );
  });
  radios.forEach((radio) => radio.addEventListener("change", load));
  load();
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
