/* Habeas: show an action's time in the reader's own time zone, from the browser's
   clock settings (Intl). Nothing is sent anywhere; without JavaScript the page offers
   a form to choose a zone instead. Written for Habeas; no dependency. */
(function () {
  "use strict";
  if (typeof Intl === "undefined" || !Intl.DateTimeFormat) {
    return;
  }
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone) {
    return;
  }
  var language = document.documentElement.lang || undefined;
  var fields = document.querySelectorAll("[data-starts][data-place-zone]");
  Array.prototype.forEach.call(fields, function (field) {
    var place = field.getAttribute("data-place-zone");
    var chosen = field.getAttribute("data-reader-zone");
    if (zone === place || zone === chosen) {
      return;
    }
    var starts = new Date(field.getAttribute("data-starts"));
    if (isNaN(starts.getTime())) {
      return;
    }
    var text;
    try {
      text = new Intl.DateTimeFormat(language, {
        weekday: "long", year: "numeric", month: "long", day: "numeric",
        hour: "2-digit", minute: "2-digit", hourCycle: "h23",
        timeZone: zone, timeZoneName: "short"
      }).format(starts);
    } catch (error) {
      return;
    }
    // The label comes with the time: text browsers, which show hidden paragraphs,
    // would otherwise read it with no time after it.
    var time = field.querySelector("time");
    field.insertBefore(document.createTextNode(field.getAttribute("data-label") + " "), time);
    time.textContent = text + " (" + zone + ")";
    time.setAttribute("datetime", starts.toISOString());
    field.hidden = false;
  });
  var input = document.querySelector("input[name=tz]");
  if (input && !input.value) {
    input.placeholder = zone;
  }
})();
