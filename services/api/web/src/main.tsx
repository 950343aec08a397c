import { render } from "preact";
import { useState } from "preact/hooks";
import "uplot/dist/uPlot.min.css";
import "./styles.css";
import { apiKey } from "./api.js";
import { ArticlePage } from "./pages/ArticlePage.js";
import { FeedsPage } from "./pages/FeedsPage.js";
import { SearchPage } from "./pages/SearchPage.js";
import { StatusPage } from "./pages/StatusPage.js";
import { SubscriptionsPage } from "./pages/SubscriptionsPage.js";
import { onLinkClick, useLocation } from "./url-state.js";

/** The API key for writes (and reads, unless the API reads are public), kept in this browser only. */
function KeyField() {
  const [key, setKey] = useState(apiKey.get());
  return (
    <form class="key-field" onSubmit={(e) => e.preventDefault()}>
      <label>API key <input type="password" name="apiKey" autoComplete="off" value={key} placeholder="needed to change things"
        onInput={(e) => { const v = (e.target as HTMLInputElement).value.trim(); setKey(v); apiKey.set(v); }} /></label>
    </form>
  );
}

const NAV = [["/", "Search"], ["/subscriptions", "Alerts"], ["/feeds", "Feeds"], ["/status", "Status"]] as const;

function App() {
  const { path, search } = useLocation();
  const article = /^\/article\/([^/]+)$/.exec(path);
  const page = article ? <ArticlePage id={decodeURIComponent(article[1]!)} />
    : path === "/subscriptions" ? <SubscriptionsPage />
    : path === "/feeds" ? <FeedsPage />
    : path === "/status" ? <StatusPage />
    : <SearchPage search={search} />;
  const current = article ? "/" : path;
  return (
    <div class="app" onClick={(e) => onLinkClick(e as unknown as MouseEvent)}>
      <a class="skip" href="#content">Skip to content</a>
      <header class="top">
        <a class="brand" href="/">RegRadar</a>
        <nav aria-label="Main">
          {NAV.map(([href, label]) => <a href={href} aria-current={current === href ? "page" : undefined}>{label}</a>)}
        </nav>
        <KeyField />
      </header>
      <div id="content">{page}</div>
    </div>
  );
}

render(<App />, document.getElementById("app")!);
