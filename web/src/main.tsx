import { render } from "preact";
import { App } from "./App.tsx";
import { initLang } from "./i18n/index.ts";
import { interceptLinks } from "./router.ts";
import "./styles/base.css";

interceptLinks();
await initLang();
render(<App />, document.getElementById("root") as HTMLElement);
