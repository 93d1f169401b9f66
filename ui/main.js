// Bootstrap for the Yew UI (kept out of index.html so the CSP can forbid inline scripts).
import init from "./ui.js";
init();
