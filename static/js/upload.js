// Medical-document upload (issue 5): checks the number and size of the chosen
// files before sending, then sends the form with XMLHttpRequest to show upload
// progress. Without JavaScript the form posts as it is (its action carries the
// CSRF token), so this file only adds to it. Loaded with the page's CSP nonce.
(function () {
  "use strict";

  function init() {
    var form = document.getElementById("upload-form");
    if (!form || form.dataset.bound) {
      return;
    }
    form.dataset.bound = "1";
    form.addEventListener("submit", function (ev) {
      var problem = check(form);
      var errorBox = document.getElementById("upload-client-error");
      if (problem) {
        ev.preventDefault();
        errorBox.textContent = problem;
        errorBox.classList.remove("hidden");
        return;
      }
      errorBox.classList.add("hidden");
      if (!window.FormData || !window.XMLHttpRequest) {
        return; // the browser posts the form itself
      }
      ev.preventDefault();
      send(form);
    });
  }

  // check returns a message when the chosen files break a limit, else "".
  function check(form) {
    var maxFiles = parseInt(form.dataset.maxFiles, 10);
    var maxFile = parseInt(form.dataset.maxFile, 10);
    var files = [];
    form.querySelectorAll('input[type="file"]').forEach(function (input) {
      for (var i = 0; i < input.files.length; i++) {
        files.push(input.files[i]);
      }
    });
    if (files.length === 0) {
      return form.dataset.msgNone;
    }
    if (files.length > maxFiles) {
      return form.dataset.msgTooMany;
    }
    for (var j = 0; j < files.length; j++) {
      if (files[j].size > maxFile) {
        return form.dataset.msgTooLarge;
      }
    }
    return "";
  }

  // send posts the form (text fields first, as in the page) and shows progress.
  // Success (201 with Location) goes to the document's page; a refusal replaces
  // the page's main content with the re-rendered form and its messages.
  function send(form) {
    var status = document.getElementById("upload-status");
    var bar = document.getElementById("upload-progress");
    var text = document.getElementById("upload-progress-text");
    var button = form.querySelector('button[type="submit"]');
    status.classList.remove("hidden");
    text.textContent = form.dataset.msgProgress;
    button.disabled = true;

    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-CSRF-Token", form.dataset.csrf);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.addEventListener("progress", function (ev) {
      if (ev.lengthComputable) {
        var pct = Math.floor((ev.loaded / ev.total) * 100);
        bar.value = pct;
        text.textContent = form.dataset.msgProgress + " " + pct + "%";
      }
    });
    xhr.addEventListener("load", function () {
      var next = xhr.getResponseHeader("Location");
      if (xhr.status === 201 && next) {
        window.location.assign(next); // the document's page
        return;
      }
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var main = doc.getElementById("main");
      if (!main) {
        failed(form, button);
        return;
      }
      document.getElementById("main").innerHTML = main.innerHTML;
      document.title = doc.title;
      init();
      var alert = document.querySelector('#main [role="alert"]');
      if (alert) {
        alert.setAttribute("tabindex", "-1");
        alert.focus();
      }
    });
    xhr.addEventListener("error", function () {
      failed(form, button);
    });
    xhr.send(new FormData(form));
  }

  function failed(form, button) {
    var errorBox = document.getElementById("upload-client-error");
    document.getElementById("upload-status").classList.add("hidden");
    errorBox.textContent = form.dataset.msgFailed;
    errorBox.classList.remove("hidden");
    button.disabled = false;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
