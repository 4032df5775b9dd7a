// Entry point of Beffroi's web pages. No inline script anywhere: behaviour lives in modules.
import htmx from "htmx.org";
import { setUpAgendaDrag } from "./agenda-drag.js";
import { setUpCopyButtons } from "./copy.js";
import { setUpDriveUploads } from "./drive.js";
import { setUpMail } from "./mail.js";
import { setUpNavigationToggle } from "./navigation.js";
import { setUpNotifications } from "./notifications.js";
import { setUpWikiEditors } from "./wiki.js";

window.htmx = htmx;

document.addEventListener("DOMContentLoaded", () => {
  // Styles that need the script (the folding menu) apply only once it runs.
  document.documentElement.classList.add("js");
  setUpNavigationToggle(document);
  setUpCopyButtons(document);
  setUpAgendaDrag(document);
  setUpDriveUploads(document);
  setUpWikiEditors(document);
  setUpMail(document);
  setUpNotifications(document);
});
