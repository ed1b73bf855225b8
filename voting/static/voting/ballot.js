// Live remaining budget on a knapsack ballot; without this script the "Recalculate" button does the same.
(function () {
  var bar = document.getElementById("budget-bar");
  if (!bar) return;
  var budget = Number(bar.dataset.budget);
  var boxes = document.querySelectorAll("input[type=checkbox][data-cost]");
  var amount = document.getElementById("budget-amount");
  var fill = document.getElementById("budget-fill");
  var labelRemaining = document.getElementById("budget-label-remaining");
  var labelOver = document.getElementById("budget-label-over");
  // Digits grouped as the server groups them (Django's formats): browsers' Kazakh number data is often missing.
  var separator = document.documentElement.lang === "en" ? "," : "\u00a0";
  function grouped(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, separator); }
  function update() {
    var spent = 0;
    boxes.forEach(function (box) { if (box.checked) spent += Number(box.dataset.cost); });
    var over = spent > budget;
    amount.textContent = grouped(over ? spent - budget : budget - spent);
    fill.style.width = Math.min(100, budget ? Math.round(100 * spent / budget) : 0) + "%";
    labelRemaining.hidden = over;
    labelOver.hidden = !over;
    bar.classList.toggle("over", over);
  }
  boxes.forEach(function (box) { box.addEventListener("change", update); });
})();
