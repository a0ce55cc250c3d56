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
