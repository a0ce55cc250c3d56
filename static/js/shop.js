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

// The work areas' navigation scrolls sideways on a phone: start with the current page in sight, and bring a
// link the keyboard reaches wholly into sight (browsers stop at a partly hidden one). The page never moves.
const currentWorkPage = document.querySelector(".work-nav-list [aria-current='page']");
if (currentWorkPage) {
  const list = currentWorkPage.closest(".work-nav-list");
  const link = currentWorkPage.getBoundingClientRect();
  const bar = list.getBoundingClientRect();
  if (link.right > bar.right || link.left < bar.left) list.scrollLeft += link.left - bar.left - (bar.width - link.width) / 2;
}
document.querySelector(".work-nav-list")?.addEventListener("focusin", (event) => {
  event.target.scrollIntoView({ block: "nearest", inline: "nearest" });
});
