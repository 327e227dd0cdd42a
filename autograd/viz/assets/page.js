// Steps through a backward pass drawn by autograd.viz.page. Every number comes from the page's
// JSON (explain()'s rows); this script only shows step k: it puts every gradient back to
// "unknown", replays the changes of steps 0..k, and highlights what step k does. In practice
// mode (data-practice="yes") a step is shown only once the learner has typed each gradient it
// gives (checked against the JSON's numbers) or asked for it to be revealed.
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
    var practice = section.dataset.practice === "yes";
    var solved = { 0: true }; // steps whose questions are all answered or revealed
    var score = { right: 0, asked: 0 };
    var missed = {}; // "step:question" answered wrongly at least once
    var HIDDEN = [4, 6, 7]; // local, contribution, delta(v) so far: what a learner works out

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

    function firstUnsolved() {
      for (var s = 1; s <= last; s++) if (!solved[s]) return s;
      return last;
    }

    function show(k) {
      current = Math.max(0, Math.min(last, k));
      if (practice) current = Math.min(current, firstUnsolved());
      var step = data.steps[current];
      var asking = practice && !solved[current];
      data.initial.forEach(apply);
      for (var s = 0; s < current + (asking ? 0 : 1); s++) data.steps[s].changes.forEach(apply);
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
        cells.forEach(function (text, column) {
          cell(row, asking && HIDDEN.indexOf(column) >= 0 ? "?" : text, "td");
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
      if (practice) ask(asking);
    }

    var question = section.querySelector(".cr-question");
    var form = section.querySelector(".cr-answers");
    var feedback = section.querySelector(".cr-feedback");
    var scoreText = section.querySelector(".cr-score");
    var asked = -1; // the step whose inputs the form holds
    var told = -1; // the step the feedback is about

    // the form for the current step: one input per edge, "delta(v) so far = [ ]"
    function ask(asking) {
      section.dataset.asking = asking ? "yes" : "no";
      question.textContent = asking
        ? "Your turn: what is delta(v) so far for each input v, after this step?"
        : "";
      if (!asking) {
        if (told !== current) feedback.textContent = "";
        form.textContent = "";
        asked = -1;
        return;
      }
      if (asked === current) return;
      asked = current;
      form.textContent = "";
      feedback.textContent = "";
      data.steps[current].questions.forEach(function (q, i) {
        var label = document.createElement("label");
        label.textContent = "delta(" + q[0] + ") = ";
        var input = document.createElement("input");
        input.type = "text";
        input.inputMode = "decimal";
        input.autocomplete = "off";
        input.dataset.question = String(i);
        label.appendChild(input);
        form.appendChild(label);
      });
      var first = form.querySelector("input");
      if (first) first.focus();
    }

    function count(i, right) {
      var key = current + ":" + i;
      score.asked += 1;
      if (right && !missed[key]) score.right += 1;
      scoreText.textContent = "Score: " + score.right + " right of " + score.asked;
    }

    function finish() {
      if (form.querySelector("input:not([disabled])")) return;
      solved[current] = true;
      show(current);
    }

    // within 0.5% (the numbers shown have 4 digits); inf and nan as Python writes them
    function closeEnough(typed, text) {
      var want = Number(text);
      if (!isFinite(want)) return typed.toLowerCase() === text;
      var got = Number(typed);
      return typed !== "" && isFinite(got) && Math.abs(got - want) <= 5e-3 * Math.abs(want) + 1e-9;
    }

    function check() {
      var notes = [];
      form.querySelectorAll("input:not([disabled])").forEach(function (input) {
        var i = Number(input.dataset.question);
        var q = data.steps[current].questions[i];
        var typed = input.value.trim();
        if (typed === "") return;
        if (closeEnough(typed, q[1])) {
          input.disabled = true;
          input.className = "cr-right";
          count(i, true);
        } else {
          input.className = "cr-wrong";
          missed[current + ":" + i] = true;
          notes.push("Not " + typed + ": " + q[2]);
        }
      });
      feedback.textContent = notes.length ? notes.join("\n") : "Right.";
      told = current;
      finish();
    }

    function reveal() {
      var notes = [];
      form.querySelectorAll("input:not([disabled])").forEach(function (input) {
        var i = Number(input.dataset.question);
        missed[current + ":" + i] = true;
        notes.push(data.steps[current].questions[i][2]);
        input.disabled = true;
        count(i, false);
      });
      feedback.textContent = notes.join("\n");
      told = current;
      finish();
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
        if (current >= last || section.dataset.asking === "yes") pause(); // or wait for answers
      }, Number(section.dataset.interval || 900));
      section.dataset.playing = "yes";
    }

    var actions = {
      reset: function () { pause(); show(0); },
      back: function () { pause(); show(current - 1); },
      step: function () { pause(); show(current + 1); },
      play: play,
      pause: pause,
      check: check,
      reveal: reveal,
    };
    if (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault(); // Enter checks (below); the page never navigates
      });
      form.addEventListener("keydown", function (event) {
        if (event.key === "Enter") {
          event.preventDefault();
          check();
        }
      });
    }
    section.querySelectorAll("button[data-action]").forEach(function (button) {
      button.addEventListener("click", actions[button.dataset.action]);
    });
    slider.addEventListener("input", function () {
      pause();
      show(Number(slider.value));
    });
    section.tabIndex = 0;
    section.addEventListener("keydown", function (event) {
      if (event.target.tagName === "INPUT") return; // typing, or the slider moving itself
      if (event.key === "ArrowRight") actions.step();
      else if (event.key === "ArrowLeft") actions.back();
      else return;
      event.preventDefault();
    });
    show(0);
  }

  document.querySelectorAll(".cr-stepper").forEach(setup);
})();
