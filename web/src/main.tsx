import { render } from "preact";
import { App } from "./App.tsx";
import { initLang } from "./i18n/index.ts";
import { loadIndex, loadSnapshot } from "./public/data.ts";
import { interceptLinks } from "./router.ts";
import "./styles/base.css";
import "./styles/phone.css";

// The ranking's files are asked for before the language is loaded (English is a chunk of its own), so
// on a slow link they travel beside it, not after it; the page reads them from data.ts's cache.
if (location.pathname === "/" && !new URLSearchParams(location.search).has("period"))
  loadIndex()
    .then(([latest]) => latest && loadSnapshot(latest))
    .catch(() => undefined);
interceptLinks();
await initLang();
render(<App />, document.getElementById("root") as HTMLElement);
