const ENTITIES: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"', "&#39;": "'", "&#x27;": "'" };
const unescape = (s: string) => s.replace(/&(lt|gt|amp|quot|#39|#x27);/g, (m) => ENTITIES[m] ?? m);

/**
 * A highlight fragment from the search ("…<mark>火币</mark>…", the rest escaped), rendered as text
 * and <mark> elements: nothing from an article ever reaches the page as HTML.
 */
export function EvidenceText({ html }: { html: string }) {
  const parts = html.split(/(<mark>[\s\S]*?<\/mark>)/g).filter(Boolean);
  return (
    <span class="evidence">
      {parts.map((p, i) => (p.startsWith("<mark>") ? <mark key={i}>{unescape(p.slice(6, -7))}</mark> : <span key={i}>{unescape(p)}</span>))}
    </span>
  );
}
