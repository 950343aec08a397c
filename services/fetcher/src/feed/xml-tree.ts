import { decodeHTMLStrict } from "entities";
import { urljoin } from "./resolve-links.js";

/**
 * A small, lenient XML reader for feeds. Feeds in the wild are often not well-formed (undeclared
 * HTML entities, stray `&`, mis-nested tags), and feedparser still reads them, so this recovers
 * where a strict parser would stop. It keeps what rss-parser/xml2js lose: namespaces, xml:base
 * and xml:lang per element, and the raw child nodes needed to re-serialise inline XHTML.
 */

export class XmlTreeError extends Error {
  constructor(
    readonly reason: "entity_expansion" | "external_entity" | "invalid_xml",
    message: string,
  ) {
    super(message);
  }
}

export interface XmlElement {
  /** Qualified name as written, e.g. "dc:creator". */
  qname: string;
  /** Canonical key: "<prefix>:<local>" with a canonical prefix for known namespaces ("" for core RSS). */
  key: string;
  local: string;
  ns: string;
  attrs: Record<string, string>;
  /** Attributes keyed by canonical key (lower-cased local name, canonical prefix). */
  nattrs: Record<string, string>;
  children: XmlNode[];
  base: string | null;
  lang: string | null;
  parent: XmlElement | null;
}
export type XmlNode = XmlElement | string;

/**
 * What the reader had to repair to build a tree. `unclosed_elements` at the end of the document is
 * how a truncated download shows; the entity and ampersand repairs are common in working feeds.
 */
export type XmlRepair =
  | "unclosed_elements"
  | "unterminated_markup"
  | "mismatched_end_tag"
  | "stray_end_tag"
  | "content_after_root"
  | "undeclared_entity"
  | "bare_ampersand";

export interface XmlDocument {
  root: XmlElement;
  repairs: Set<XmlRepair>;
}

const KNOWN_NS: Record<string, string> = {
  "http://www.w3.org/2005/atom": "atom",
  "http://purl.org/atom/ns#": "atom",
  "http://purl.org/rss/1.0/": "",
  "http://my.netscape.com/rdf/simple/0.9/": "",
  "http://backend.userland.com/rss2": "",
  "http://backend.userland.com/rss": "",
  "http://blogs.law.harvard.edu/tech/rss": "",
  "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
  "http://purl.org/dc/elements/1.1/": "dc",
  "http://purl.org/dc/elements/1.0/": "dc",
  "http://purl.org/dc/terms/": "dcterms",
  "http://purl.org/rss/1.0/modules/content/": "content",
  "http://www.w3.org/1999/xhtml": "xhtml",
  "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes",
  "http://example.com/dtds/podcast-1.0.dtd": "itunes",
  "http://search.yahoo.com/mrss/": "media",
  "http://search.yahoo.com/mrss": "media",
  "http://www.w3.org/xml/1998/namespace": "xml",
  "http://purl.org/rss/1.0/modules/syndication/": "sy",
  "http://webns.net/mvcb/": "admin",
  "http://madskills.com/public/xml/rss/module/trackback/": "trackback",
  "http://wellformedweb.org/commentapi/": "wfw",
  "http://purl.org/rss/1.0/modules/slash/": "slash",
  "http://purl.org/rss/1.0/modules/image/": "image",
  "http://www.georss.org/georss": "georss",
  "http://postneo.com/icbm/": "icbm",
  "http://purl.org/rss/1.0/modules/aggregation/": "ag",
  "http://purl.org/rss/1.0/modules/taxonomy/": "taxo",
  "http://purl.org/rss/1.0/modules/event/": "ev",
  "http://purl.org/rss/1.0/modules/textinput/": "ti",
  "http://purl.org/rss/1.0/modules/company/": "co",
  "http://purl.org/rss/1.0/modules/email/": "email",
  "http://purl.org/rss/1.0/modules/reference/": "ref",
  "http://purl.org/rss/1.0/modules/richequiv/": "reqv",
  "http://purl.org/rss/1.0/modules/search/": "search",
  "http://purl.org/rss/1.0/modules/threading/": "thr",
  "http://purl.org/syndication/thread/1.0": "thr",
  "http://purl.org/rss/1.0/modules/servicestatus/": "ss",
  "http://www.w3.org/2000/01/rdf-schema#": "rdfs",
  "http://www.w3.org/2005/atom/": "atom",
};

const HTML4_OVERRIDES: Record<string, string> = { lang: "\u2329", rang: "\u232a" };
const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
// Upper bounds that stop entity-expansion bombs long before they cost memory.
const MAX_ENTITY_EXPANSION = 100_000;
const MAX_ENTITY_REFS = 10_000;
const MAX_DEPTH = 512;
// Also bounds the recursion that sizes entity chains.
const MAX_ENTITY_DECLARATIONS = 1000;

export function canonicalPrefix(nsUri: string, prefix: string): string {
  const known = KNOWN_NS[nsUri.toLowerCase().trim()];
  if (known !== undefined) return known;
  if (nsUri.toLowerCase().startsWith("http://www.w3.org/2005/atom")) return "atom";
  return prefix.toLowerCase();
}

export function resolveAgainst(href: string, base: string | null): string {
  return urljoin(base, href);
}

interface Doctype {
  entities: Map<string, string>;
}

function parseDoctype(decl: string): Doctype {
  const entities = new Map<string, string>();
  const subset = /\[([\s\S]*)\]/.exec(decl)?.[1] ?? "";
  const re = /<!ENTITY\s+(%\s+)?([^\s"'>]+)\s+(?:(SYSTEM|PUBLIC)\b[^>]*|("([^"]*)"|'([^']*)')[^>]*)>/gi;
  let m: RegExpExecArray | null;
  const raw = new Map<string, string>();
  while ((m = re.exec(subset))) {
    if (m[3]) {
      throw new XmlTreeError("external_entity", `external entity "${m[2]}" refused`);
    }
    if (m[1]) {
      // Parameter entities only matter inside the DTD; one that is declared signals DTD tricks.
      const v = m[5] ?? m[6] ?? "";
      if (/%|&/.test(v)) throw new XmlTreeError("entity_expansion", "parameter entity expansion refused");
      continue;
    }
    if (!raw.has(m[2]!)) raw.set(m[2]!, m[5] ?? m[6] ?? "");
    if (raw.size > MAX_ENTITY_DECLARATIONS) {
      throw new XmlTreeError("entity_expansion", `more than ${MAX_ENTITY_DECLARATIONS} entity declarations`);
    }
  }
  const sizes = new Map<string, number>();
  const measure = (name: string, stack: Set<string>): number => {
    const known = sizes.get(name);
    if (known !== undefined) return known;
    if (stack.has(name)) throw new XmlTreeError("entity_expansion", `recursive entity "${name}"`);
    const value = raw.get(name) ?? "";
    stack.add(name);
    let size = value.length;
    for (const ref of value.matchAll(/&([A-Za-z_][\w.-]*);/g)) {
      if (raw.has(ref[1]!)) size += measure(ref[1]!, stack);
      if (size > MAX_ENTITY_EXPANSION) {
        throw new XmlTreeError("entity_expansion", `entity "${name}" expands beyond ${MAX_ENTITY_EXPANSION} characters`);
      }
    }
    stack.delete(name);
    sizes.set(name, size);
    return size;
  };
  for (const name of raw.keys()) measure(name, new Set());
  const expand = (name: string): string => {
    const cached = entities.get(name);
    if (cached !== undefined) return cached;
    const v = (raw.get(name) ?? "").replace(/&([A-Za-z_][\w.-]*);/g, (all, ref: string) =>
      raw.has(ref) ? expand(ref) : all,
    );
    entities.set(name, v);
    return v;
  };
  for (const name of raw.keys()) expand(name);
  return { entities };
}

class Reader {
  private pos = 0;
  private entityRefs = 0;
  private expandedChars = 0;
  private doctype: Doctype = { entities: new Map() };
  private readonly stack: XmlElement[] = [];
  private root: XmlElement | null = null;
  private readonly nsStack: Array<Record<string, string>> = [{ xml: "http://www.w3.org/XML/1998/namespace" }];
  readonly repairs = new Set<XmlRepair>();

  constructor(
    private readonly src: string,
    private readonly baseUrl: string | null,
  ) {}

  decodeText(s: string): string {
    if (s.indexOf("&") < 0) return s;
    if (/&(?![A-Za-z_#])/.test(s)) this.repairs.add("bare_ampersand");
    return s.replace(/&(#[xX][0-9a-fA-F]+|#[0-9]+|[A-Za-z_][\w.-]*);?/g, (all, body: string) => {
      if (!all.endsWith(";")) {
        this.repairs.add("bare_ampersand");
        return all;
      }
      if (body[0] === "#") {
        const decoded = decodeHTMLStrict(all);
        return decoded === all ? "" : decoded;
      }
      const pre = PREDEFINED[body];
      if (pre !== undefined) return pre;
      const declared = this.doctype.entities.get(body);
      if (declared !== undefined) {
        if (++this.entityRefs > MAX_ENTITY_REFS) {
          throw new XmlTreeError("entity_expansion", "too many references to declared entities");
        }
        this.expandedChars += declared.length;
        if (this.expandedChars > MAX_ENTITY_EXPANSION * 10) {
          throw new XmlTreeError("entity_expansion", "entity expansion exceeds the document limit");
        }
        return this.decodeText(declared);
      }
      // Undeclared HTML entities (&nbsp;, &eacute;): feedparser's loose mode resolves them, with
      // HTML 4 values where HTML5 changed them.
      this.repairs.add("undeclared_entity");
      return HTML4_OVERRIDES[body] ?? decodeHTMLStrict(all);
    });
  }

  parse(): XmlElement {
    const s = this.src;
    const n = s.length;
    let text = "";
    const flushText = () => {
      if (text && this.stack.length) this.stack[this.stack.length - 1]!.children.push(this.decodeText(text));
      text = "";
    };
    while (this.pos < n) {
      const lt = s.indexOf("<", this.pos);
      if (lt < 0) {
        text += s.slice(this.pos);
        this.pos = n;
        break;
      }
      text += s.slice(this.pos, lt);
      this.pos = lt;
      if (s.startsWith("<!--", lt)) {
        const end = s.indexOf("-->", lt + 4);
        if (end < 0) this.repairs.add("unterminated_markup");
        this.pos = end < 0 ? n : end + 3;
        continue;
      }
      if (s.startsWith("<![CDATA[", lt)) {
        const end = s.indexOf("]]>", lt + 9);
        if (end < 0) this.repairs.add("unterminated_markup");
        const data = s.slice(lt + 9, end < 0 ? n : end);
        flushText();
        if (this.stack.length) this.stack[this.stack.length - 1]!.children.push(data);
        this.pos = end < 0 ? n : end + 3;
        continue;
      }
      if (s.startsWith("<?", lt)) {
        const end = s.indexOf("?>", lt + 2);
        this.pos = end < 0 ? n : end + 2;
        continue;
      }
      if (/^<!DOCTYPE/i.test(s.slice(lt, lt + 9))) {
        this.pos = this.readDoctype(lt);
        continue;
      }
      if (s[lt + 1] === "/") {
        const m = /^<\/\s*([^\s>]+)\s*>?/.exec(s.slice(lt, lt + 300));
        if (!m) {
          text += "<";
          this.pos = lt + 1;
          continue;
        }
        flushText();
        if (!m[0].endsWith(">")) this.repairs.add("unterminated_markup");
        this.closeTag(m[1]!);
        this.pos = lt + m[0].length;
        continue;
      }
      if (!/[A-Za-z_:]/.test(s[lt + 1] ?? "")) {
        text += "<";
        this.pos = lt + 1;
        continue;
      }
      flushText();
      this.pos = this.readStartTag(lt);
    }
    flushText();
    if (!this.root) throw new XmlTreeError("invalid_xml", "no root element");
    if (this.stack.length > 0) this.repairs.add("unclosed_elements");
    return this.root;
  }

  private readDoctype(start: number): number {
    const s = this.src;
    let i = start + 9;
    let inSubset = false;
    let quote: string | null = null;
    for (; i < s.length; i++) {
      const c = s[i];
      if (quote) {
        if (c === quote) quote = null;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === "[") inSubset = true;
      else if (c === "]") inSubset = false;
      else if (c === ">" && !inSubset) break;
    }
    this.doctype = parseDoctype(s.slice(start, i + 1));
    return i + 1;
  }

  private readStartTag(start: number): number {
    const s = this.src;
    const nameMatch = /^<([^\s/>]+)/.exec(s.slice(start, start + 300))!;
    const qname = nameMatch[1]!;
    let i = start + nameMatch[0].length;
    const rawAttrs: Array<[string, string]> = [];
    let selfClosing = false;
    const attrRe = /\s*([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/y;
    for (;;) {
      while (i < s.length && /\s/.test(s[i]!)) i++;
      if (i >= s.length) {
        this.repairs.add("unterminated_markup");
        break;
      }
      if (s[i] === ">") {
        i++;
        break;
      }
      if (s[i] === "/" && s[i + 1] === ">") {
        selfClosing = true;
        i += 2;
        break;
      }
      attrRe.lastIndex = i;
      const m = attrRe.exec(s);
      if (!m || m[0].length === 0) {
        i++;
        continue;
      }
      rawAttrs.push([m[1]!, this.decodeText(m[2] ?? m[3] ?? m[4] ?? "")]);
      i = attrRe.lastIndex;
    }
    this.openElement(qname, rawAttrs, selfClosing);
    return i;
  }

  private openElement(qname: string, rawAttrs: Array<[string, string]>, selfClosing: boolean): void {
    const parent = this.stack[this.stack.length - 1] ?? null;
    if (!parent && this.root) {
      // Content after the root element: a second root is ignored (feedparser reads the first).
      this.repairs.add("content_after_root");
      if (!selfClosing) {
        this.stack.push(this.makeDetached(qname));
        this.nsStack.push(this.nsStack[this.nsStack.length - 1]!);
      }
      return;
    }
    // Past this depth tags are dropped (their text is kept): recursion elsewhere stays bounded.
    if (this.stack.length > MAX_DEPTH) return;
    const scope: Record<string, string> = { ...this.nsStack[this.nsStack.length - 1] };
    for (const [k, v] of rawAttrs) {
      if (k === "xmlns") scope[""] = v;
      else if (k.startsWith("xmlns:")) scope[k.slice(6)] = v;
    }
    this.nsStack.push(scope);
    const [prefix, local] = splitQName(qname);
    const ns = scope[prefix] ?? (prefix ? prefix : "");
    const cp = prefix || ns ? canonicalPrefix(ns, prefix) : "";
    const attrs: Record<string, string> = {};
    const nattrs: Record<string, string> = {};
    for (const [k, v] of rawAttrs) {
      attrs[k] = v;
      if (k === "xmlns" || k.startsWith("xmlns:")) continue;
      const [ap, al] = splitQName(k);
      const acp = ap ? canonicalPrefix(scope[ap] ?? ap, ap) : "";
      nattrs[(acp ? acp + ":" : "") + al.toLowerCase()] = v;
    }
    const parentBase = parent ? parent.base : this.baseUrl;
    // feedparser also honours a plain "base" attribute (CDF uses one).
    const xmlBase = nattrs["xml:base"] ?? nattrs["base"];
    const base = xmlBase !== undefined ? urljoin(parentBase, xmlBase) : parentBase;
    const lang = nattrs["xml:lang"] ?? (parent ? parent.lang : null);
    const el: XmlElement = {
      qname,
      key: (cp ? cp + ":" : "") + local.toLowerCase(),
      local: local.toLowerCase(),
      ns,
      attrs,
      nattrs,
      children: [],
      base,
      lang,
      parent,
    };
    if (parent) parent.children.push(el);
    else this.root = el;
    if (selfClosing) this.nsStack.pop();
    else this.stack.push(el);
  }

  private makeDetached(qname: string): XmlElement {
    return {
      qname, key: "", local: "", ns: "", attrs: {}, nattrs: {}, children: [], base: null, lang: null, parent: null,
    };
  }

  private closeTag(qname: string): void {
    for (let j = this.stack.length - 1; j >= 0; j--) {
      if (this.stack[j]!.qname === qname || this.stack[j]!.qname.toLowerCase() === qname.toLowerCase()) {
        if (j < this.stack.length - 1) this.repairs.add("mismatched_end_tag");
        while (this.stack.length > j) {
          this.stack.pop();
          this.nsStack.pop();
        }
        return;
      }
    }
    // A stray end tag is ignored, as a browser would.
    this.repairs.add("stray_end_tag");
  }
}

function splitQName(q: string): [string, string] {
  const i = q.indexOf(":");
  return i < 0 ? ["", q] : [q.slice(0, i), q.slice(i + 1)];
}

export function parseXml(src: string, baseUrl: string | null): XmlDocument {
  const reader = new Reader(src, baseUrl);
  const root = reader.parse();
  return { root, repairs: reader.repairs };
}

// ---- helpers over the tree ----

export function childElements(el: XmlElement): XmlElement[] {
  return el.children.filter((c): c is XmlElement => typeof c !== "string");
}

export function textOf(el: XmlElement): string {
  let out = "";
  for (const c of el.children) out += typeof c === "string" ? c : textOf(c);
  return out;
}

const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]);

export function escapeHtmlText(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Re-serialises child nodes (inline XHTML in a feed) as HTML markup. */
export function serializeChildren(el: XmlElement): string {
  let out = "";
  for (const c of el.children) {
    if (typeof c === "string") {
      out += escapeHtmlText(c);
      continue;
    }
    const name = splitQName(c.qname)[1];
    let attrs = "";
    for (const [k, v] of Object.entries(c.attrs)) {
      if (k === "xmlns" || k.startsWith("xmlns:")) continue;
      attrs += ` ${k}="${escapeHtmlText(v).replace(/"/g, "&quot;")}"`;
    }
    if (VOID.has(name.toLowerCase()) && c.children.length === 0) out += `<${name}${attrs} />`;
    else out += `<${name}${attrs}>${serializeChildren(c)}</${name}>`;
  }
  return out;
}
