/** The query syntax, next to the box that takes it. */
export function QueryHelp() {
  return (
    <details class="query-help">
      <summary>Query syntax</summary>
      <dl>
        <dt><code>exchange shutdown</code></dt><dd>both words (an action word also finds articles whose extracted action is that action)</dd>
        <dt><code>"trading platform"</code></dt><dd>the exact phrase</dd>
        <dt><code>bitcoin -price</code></dt><dd>without a word</dd>
        <dt><code>huobi | okcoin</code></dt><dd>either word</dd>
        <dt><code>火币</code> / <code>火幣</code></dt><dd>Chinese in either script (traditional and simplified fold together)</dd>
      </dl>
      <p>Narrow with the panels on the left; drag across the histogram to pick dates. Press <kbd>/</kbd> to jump to the search box.</p>
    </details>
  );
}
