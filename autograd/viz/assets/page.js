// Steps through a backward pass drawn by autograd.viz.page. Every number comes from the page's
// JSON (explain()'s rows); this script only shows step k: it puts every gradient back to
// "unknown", replays the changes of steps 0..k, and highlights what step k does.
(function () {
  "use strict";

  function norm(text) {
    return text.replace(/\s+/g, " ").trim();
  }

  function setup(section) {
    var data = JSON.parse(section.querySelector(".cr-data").textContent);
    var svg = section.querySelector(".cr-picture svg");
    var slider = section.querySelector(".cr-slider");
    var counter = section.querySelector(".cr-counter");
    var caption = section.querySelector(".cr-caption");
    var tbody = section.querySelector(".cr-rows tbody");
    var columns = section.querySelectorAll(".cr-rows th").length;
    var last = data.steps.length - 1;
    var current = 0;
    var timer = null;
    var texts = {};
    var fills = {};
    var labels = {};
    var lit = [];

    function byId(id) {
      return id ? svg.querySelector('[id="' + id + '"]') : null;
    }

    // the text showing each box's gradient, found by what it says when everything is known
    Object.keys(data.nodes).forEach(function (id) {
      var box = byId(id);
      if (!box) return;
      var want = norm(data.nodes[id]);
      box.querySelectorAll("text").forEach(function (text) {
        if (norm(text.textContent) === want) texts[id] = text;
      });
      fills[id] = box.querySelector("path[stroke='none'], polygon[stroke='none']");
    });
    data.initial.forEach(function (change) {
      if (change[0] === "e") {
        var edge = byId(change[1]);
        if (edge) labels[change[1]] = edge.querySelector("text");
      }
    });

    function apply(change) {
      var id = change[1];
      if (change[0] === "e") {
        if (labels[id]) labels[id].textContent = change[2];
        return;
      }
      if (texts[id]) texts[id].textContent = change[2];
      if (fills[id]) fills[id].setAttribute("fill", change[3]);
    }

    function light(id, name) {
      var element = byId(id);
      if (element) {
        element.classList.add(name);
        lit.push([element, name]);
      }
    }

    function cell(row, text, tag) {
      var element = document.createElement(tag);
      element.textContent = text;
      row.appendChild(element);
      return element;
    }

    function show(k) {
      current = Math.max(0, Math.min(last, k));
      var step = data.steps[current];
      data.initial.forEach(apply);
      for (var s = 0; s <= current; s++) data.steps[s].changes.forEach(apply);
      lit.forEach(function (pair) {
        pair[0].classList.remove(pair[1]);
      });
      lit = [];
      step.targets.forEach(function (id) {
        light(id, "cr-target");
      });
      step.edges.forEach(function (id) {
        light(id, "cr-edge-active");
      });
      light(step.active, "cr-active");
      light(step.op, "cr-active");
      caption.textContent = step.caption;
      tbody.textContent = "";
      step.rows.forEach(function (cells) {
        var row = document.createElement("tr");
        cells.forEach(function (text) {
          cell(row, text, "td");
        });
        tbody.appendChild(row);
      });
      if (!step.rows.length) {
        var row = document.createElement("tr");
        row.className = "cr-seed";
        cell(row, "the seed: nothing is passed on yet", "td").colSpan = columns;
        tbody.appendChild(row);
      }
      slider.value = String(current);
      counter.textContent = "step " + current + " of " + last;
      section.dataset.step = String(current);
      section.dataset.active = step.active;
      section.dataset.playing = timer ? "yes" : "no";
    }

    function pause() {
      if (timer) clearInterval(timer);
      timer = null;
      section.dataset.playing = "no";
    }

    function play() {
      if (timer) return;
      if (current >= last) show(0);
      timer = setInterval(function () {
        show(current + 1);
        if (current >= last) pause();
      }, Number(section.dataset.interval || 900));
      section.dataset.playing = "yes";
    }

    var actions = {
      reset: function () { pause(); show(0); },
      back: function () { pause(); show(current - 1); },
      step: function () { pause(); show(current + 1); },
      play: play,
      pause: pause,
    };
    section.querySelectorAll("button[data-action]").forEach(function (button) {
      button.addEventListener("click", actions[button.dataset.action]);
    });
    slider.addEventListener("input", function () {
      pause();
      show(Number(slider.value));
    });
    section.tabIndex = 0;
    section.addEventListener("keydown", function (event) {
      if (event.key === "ArrowRight") actions.step();
      else if (event.key === "ArrowLeft") actions.back();
      else return;
      event.preventDefault();
    });
    show(0);
  }

  document.querySelectorAll(".cr-stepper").forEach(setup);
})();
