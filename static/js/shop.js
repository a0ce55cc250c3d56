// Small progressive enhancements; every page works without this file.
"use strict";

// Filters fold away on phones; on wide screens they stand open beside the results.
for (const panel of document.querySelectorAll("details[data-open-on-wide-screens]")) {
  if (window.matchMedia("(min-width: 900px)").matches) panel.open = true;
}

// The cart: a new delivery choice is saved (and the totals recounted) at once.
for (const select of document.querySelectorAll("select[data-submit-on-change]")) {
  select.addEventListener("change", () => select.form.requestSubmit());
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
}
