// Entry point of Beffroi's web pages. No inline script anywhere: behaviour lives in modules.
import htmx from "htmx.org";
import { setUpNavigationToggle } from "./navigation.js";

window.htmx = htmx;

document.addEventListener("DOMContentLoaded", () => {
  setUpNavigationToggle(document);
});
