// Step 1 of main-text extraction: drop what is never body text (scripts, form controls, navigation,
// hidden and boilerplate-named blocks), with a guard so a mis-named wrapper of the article survives.
import type { Element, ParentNode } from "domhandler";
import { DROP_ROLES, DROP_TAGS, MAYBE_CONTENT, UNLIKELY } from "./block-names.js";
import { hintsOf, isElement, linkTextLength, textOf } from "./dom.js";
import type { PageState } from "./score-blocks.js";

export function prune(page: PageState, node: ParentNode): void {
  for (const child of node.children) {
    if (child.type === "script" || child.type === "style") continue;
    if (!isElement(child)) continue;
    if (shouldDrop(child)) {
      page.removed.add(child);
      continue;
    }
    prune(page, child);
  }
}

function shouldDrop(el: Element): boolean {
  const tag = el.name;
  if (DROP_TAGS.has(tag)) return true;
  if (tag === "body" || tag === "html" || tag === "main" || tag === "article") return false;
  const a = el.attribs;
  // hidden, unless a snapshot caught the article itself hidden behind an open overlay
  const style = a["style"];
  if (a["hidden"] !== undefined || a["aria-hidden"] === "true" || (style && /(?:display\s*:\s*none|visibility\s*:\s*hidden)/i.test(style))) {
    return !holdsProse(el, 3);
  }
  if (a["role"] && DROP_ROLES.test(a["role"])) return true;
  if (tag === "footer" || tag === "header" || tag === "figure") return !holdsProse(el, 2);
  if (tag === "form") return !holdsProse(el, 2);
  const hints = hintsOf(el);
  if (hints && UNLIKELY.test(hints) && !MAYBE_CONTENT.test(hints)) {
    if (/comment|disqus|cookie|consent|gdpr/i.test(hints)) return true;
    return !holdsProse(el, 3);
  }
  return false;
}

/** At least `n` long, link-poor paragraphs inside: a wrapper of the article, whatever its name. */
function holdsProse(el: Element, n: number): boolean {
  let count = 0;
  const visit = (node: ParentNode): boolean => {
    for (const c of node.children) {
      if (!isElement(c)) continue;
      if (c.name === "p") {
        const t = textOf(c);
        if (t.length >= 120 && linkTextLength(c) < t.length * 0.3 && ++count >= n) return true;
      } else if (visit(c)) return true;
    }
    return false;
  };
  return visit(el);
}
