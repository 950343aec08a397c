import sanitize from "sanitize-html";
import { decodeHTML } from "entities";
import { mapC1ToWindows1252 } from "@regradar/shared/text-decoding";
import { isUnsafeUrl, urljoin } from "./resolve-links.js";

// Allow-lists follow feedparser's _HTMLSanitizer, so sanitised feed HTML reads the way feed
// consumers (and feedparser-derived conformance suites) expect.
const ACCEPTABLE_ELEMENTS = [
  "a", "abbr", "acronym", "address", "area", "article", "aside", "audio", "b", "big", "blockquote", "br",
  "button", "canvas", "caption", "center", "cite", "code", "col", "colgroup", "command", "datagrid",
  "datalist", "dd", "del", "details", "dfn", "dialog", "dir", "div", "dl", "dt", "em", "event-source",
  "fieldset", "figcaption", "figure", "font", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
  "header", "hr", "i", "img", "input", "ins", "keygen", "kbd", "label", "legend", "li", "m", "map",
  "menu", "meter", "multicol", "nav", "nextid", "ol", "optgroup", "option", "output", "p", "pre",
  "progress", "q", "s", "samp", "section", "select", "small", "sound", "source", "spacer", "span",
  "strike", "strong", "sub", "sup", "table", "tbody", "td", "textarea", "tfoot", "th", "thead", "time",
  "tr", "tt", "u", "ul", "var", "video", "noscript",
];

const ACCEPTABLE_ATTRIBUTES = [
  "abbr", "accept", "accept-charset", "accesskey", "action", "align", "alt", "autocomplete", "autofocus",
  "axis", "background", "balance", "bgcolor", "bgproperties", "border", "bordercolor", "bordercolordark",
  "bordercolorlight", "bottompadding", "cellpadding", "cellspacing", "ch", "challenge", "char", "charoff",
  "choff", "charset", "checked", "cite", "class", "clear", "color", "cols", "colspan", "compact",
  "contenteditable", "controls", "coords", "data", "datafld", "datapagesize", "datasrc", "datetime",
  "default", "delay", "dir", "disabled", "draggable", "dynsrc", "enctype", "end", "face", "for", "form",
  "frame", "galleryimg", "gutter", "headers", "height", "hidefocus", "hidden", "high", "href", "hreflang",
  "hspace", "icon", "id", "inputmode", "ismap", "keytype", "label", "leftspacing", "lang", "list",
  "longdesc", "loop", "loopcount", "loopend", "loopstart", "low", "lowsrc", "max", "maxlength", "media",
  "method", "min", "multiple", "name", "nohref", "noshade", "nowrap", "open", "optimum", "pattern", "ping",
  "point-size", "poster", "pqg", "preload", "prompt", "radiogroup", "readonly", "rel", "repeat-max",
  "repeat-min", "replace", "required", "rev", "rightspacing", "rows", "rowspan", "rules", "scope",
  "selected", "shape", "size", "span", "src", "start", "step", "summary", "suppress", "tabindex", "target",
  "template", "title", "toppadding", "type", "unselectable", "usemap", "urn", "valign", "value", "variable",
  "volume", "vspace", "vrml", "width", "wrap", "xml:lang", "style", "srcset",
];

const ACCEPTABLE_SCHEMES = [
  "http", "https", "ftp", "ftps", "mailto", "news", "nntp", "aim", "callto", "cvs", "facetime", "feed", "git",
  "gtalk", "irc", "ircs", "irc6", "itms", "mms", "msnim", "rtsp", "rtspu", "sftp", "skype", "ssh", "sip",
  "sips", "smb", "svn", "tel", "telnet", "urn", "webcal", "wtai", "xmpp", "magnet",
];

// Attributes holding URIs that feedparser resolves against the element's base.
const URI_ATTRIBUTES = new Set(["href", "src", "cite", "longdesc", "usemap", "action", "background", "poster", "codebase", "data", "classid", "profile", "lowsrc", "dynsrc"]);

const ACCEPTABLE_CSS_PROPERTIES = new Set([
  "azimuth", "background-color", "border-bottom-color", "border-collapse", "border-color",
  "border-left-color", "border-right-color", "border-top-color", "clear", "color", "cursor", "direction",
  "display", "elevation", "float", "font", "font-family", "font-size", "font-style", "font-variant",
  "font-weight", "height", "letter-spacing", "line-height", "overflow", "pause", "pause-after",
  "pause-before", "pitch", "pitch-range", "richness", "speak", "speak-header", "speak-numeral",
  "speak-punctuation", "speech-rate", "stress", "text-align", "text-decoration", "text-indent",
  "unicode-bidi", "vertical-align", "voice-family", "volume", "white-space", "width",
]);
const ACCEPTABLE_CSS_KEYWORDS = new Set([
  "auto", "aqua", "black", "block", "blue", "bold", "both", "bottom", "brown", "center", "collapse",
  "dashed", "dotted", "fuchsia", "gray", "green", "!important", "italic", "left", "lime", "maroon",
  "medium", "none", "navy", "normal", "nowrap", "olive", "pointer", "purple", "red", "right", "solid",
  "silver", "teal", "top", "transparent", "underline", "white", "yellow",
]);
const VALID_CSS_VALUE = /^(#[0-9a-fA-F]+|rgb\(\d+%?,\d*%?,?\d*%?\)?|\d{0,2}\.?\d{0,2}(cm|em|ex|in|mm|pc|pt|px|%|,|\))?)$/;

/** Keeps only harmless declarations, the way feedparser does; anything suspicious empties the style. */
export function sanitizeCss(style: string): string {
  const s = style.replace(/url\s*\(\s*[^\s)]+?\s*\)\s*/gi, " ");
  if (!/^([:,;#%.\sa-zA-Z0-9!]|\w-\w|'[\s\w]+'|"[\s\w]+"|\([\d,\s]+\))*$/.test(s)) return "";
  if (!/^\s*([-\w]+\s*:[^:;]*(;\s*|$))*$/.test(s)) return "";
  const out: string[] = [];
  for (const m of s.matchAll(/([-\w]+)\s*:\s*([^:;]*)/g)) {
    const prop = m[1]!.toLowerCase();
    const value = m[2]!.trim();
    if (!value) continue;
    if (ACCEPTABLE_CSS_PROPERTIES.has(prop)) {
      out.push(`${prop}: ${value};`);
    } else if (["background", "border", "margin", "padding"].includes(prop.split("-")[0]!)) {
      if (value.split(/\s+/).every((k) => ACCEPTABLE_CSS_KEYWORDS.has(k) || VALID_CSS_VALUE.test(k))) {
        out.push(`${prop}: ${value};`);
      }
    }
  }
  return out.join(" ");
}

/**
 * Sanitises feed HTML: drops script/style/applet with their content, unwraps other unknown elements
 * (iframe, object, embed, frame, blink, meta, link) keeping their text, removes event handlers and
 * unsafe URL schemes, filters inline CSS, and resolves relative URIs against `baseUrl`.
 */
export function sanitizeFeedHtml(html: string, baseUrl?: string | null): string {
  const out = sanitize(markBareText(html), {
    allowedTags: ACCEPTABLE_ELEMENTS,
    allowedAttributes: { "*": ACCEPTABLE_ATTRIBUTES },
    allowedSchemes: ACCEPTABLE_SCHEMES,
    allowedSchemesAppliedToAttributes: [...URI_ATTRIBUTES],
    allowProtocolRelative: true,
    // Inline CSS is filtered by sanitizeCss below, in feedparser's output form.
    parseStyleAttributes: false,
    // Entities in text stay as written (feedparser keeps "&#38;"); bare "&" and "<" are escaped.
    parser: { decodeEntities: false },
    disallowedTagsMode: "discard",
    nonTextTags: ["script", "style", "applet", "noembed", "noframes", "xmp", "plaintext"],
    selfClosing: ["img", "br", "hr", "area", "base", "basefont", "input", "link", "meta", "col", "source"],
    transformTags: {
      "*": (tagName, attribs) => {
        const next: Record<string, string> = {};
        for (const [k, v] of Object.entries(attribs)) {
          const key = k.toLowerCase();
          if (key.startsWith("on")) continue;
          if (key === "style") {
            const css = sanitizeCss(decodeHTML(v));
            if (css) next[key] = css;
            continue;
          }
          if (key === "srcset") {
            const candidates = decodeHTML(v).split(",").map((c) => c.trim()).filter(Boolean);
            if (candidates.some((c) => isUnsafeUrl(c))) continue;
            next[key] = candidates
              .map((c) => {
                const [url, ...descriptor] = c.split(/\s+/);
                return [urljoin(baseUrl, url!), ...descriptor].join(" ");
              })
              .join(", ");
            continue;
          }
          if (URI_ATTRIBUTES.has(key)) {
            // Entities are decoded first so "&#106;avascript:" cannot slip past the scheme check.
            const url = decodeHTML(v);
            next[key] = isUnsafeUrl(url) ? "" : urljoin(baseUrl, url);
          } else next[key] = decodeHTML(v);
        }
        return { tagName, attribs: next };
      },
    },
  });
  return windows1252References(restoreBareText(out));
}

/** "&#146;" means windows-1252's ’ in feeds, never the C1 control: rewrite it as the character meant. */
function windows1252References(html: string): string {
  if (!html.includes("&#")) return html;
  return html.replace(/&#(?:(1[2-5]\d)|[xX]([89][0-9a-fA-F]));/g, (all, dec: string | undefined, hex: string | undefined) => {
    const mapped = mapC1ToWindows1252(String.fromCharCode(dec ? Number(dec) : Number.parseInt(hex!, 16)));
    return mapped.charCodeAt(0) > 0x9f ? `&#x${mapped.charCodeAt(0).toString(16)};` : all;
  });
}

// feedparser copies text verbatim: a bare "&", "<" or ">" that cannot start markup stays as written
// rather than becoming "&amp;"/"&lt;"/"&gt;". They travel through sanitize-html as private-use
// placeholders (only in text between tags) and are restored afterwards.
const BARE_AMP = "\ue000";
const BARE_LT = "\ue001";
const BARE_GT = "\ue002";

function markBareText(html: string): string {
  const cleaned = html.replace(/[\ue000-\ue002]/g, "");
  // A comment passes whole: a tag inside one ("<!-- <script> -->") must not split it, or its "-->"
  // would be escaped and the comment would swallow the rest of the content.
  return cleaned.replace(/(<!--[\s\S]*?-->|<[a-zA-Z/!?][^<>]*>)|<>|<|>|&/g, (all: string, tag: string | undefined, offset: number) => {
    if (tag) return tag;
    // "<>" is SGML's empty tag: it marks nothing up and reads as nothing.
    if (all === "<>") return "";
    if (all === ">") return BARE_GT;
    // "< script>" is not markup to a browser, but it reads like it: only "<" before a digit, "=",
    // "<" or a space not followed by a name stays bare.
    if (all === "<") return /^<(?:[\d=<]|\s+(?![\s/a-zA-Z]))/.test(cleaned.slice(offset, offset + 40)) ? BARE_LT : all;
    return /^&(?:[a-zA-Z][a-zA-Z0-9]*|#[0-9]+|#[xX][0-9a-fA-F]+);/.test(cleaned.slice(offset, offset + 40)) ? all : BARE_AMP;
  });
}

function restoreBareText(html: string): string {
  return html.replace(/\ue000/g, "&").replace(/\ue001/g, "<").replace(/\ue002/g, ">");
}

/** Plain text of a fragment of HTML: tags removed, entities decoded, whitespace kept as written. */
export function htmlToText(html: string): string {
  const noTags = sanitize(html, { allowedTags: [], allowedAttributes: {}, nonTextTags: ["script", "style", "applet", "title", "head"] });
  return decodeHTML(noTags);
}

const ACCEPTABLE_SET = new Set(ACCEPTABLE_ELEMENTS);

/**
 * feedparser's heuristic for RSS fields that may or may not carry HTML: an end tag or an entity
 * reference, only known-safe element names, and only defined entities.
 */
export function looksLikeHtml(s: string): boolean {
  if (!/<\/(\w+)>/.test(s) && !/&#?\w+;/.test(s)) return false;
  for (const m of s.matchAll(/<\/?(\w+)/g)) if (!ACCEPTABLE_SET.has(m[1]!.toLowerCase())) return false;
  for (const m of s.matchAll(/&(\w+);/g)) if (decodeHTML(m[0]) === m[0]) return false;
  return true;
}

const DANGEROUS = /<\s*\/?\s*(script|style|iframe|object|embed|applet|frame|frameset|meta|link|base|svg|math|form|body|html|img|video|audio|xml|import)\b|\bon[a-z]+\s*=|javascript:/i;

/** Markup that must be stripped even where a field is nominally plain text. */
export function hasDangerousMarkup(s: string): boolean {
  if (DANGEROUS.test(s)) return true;
  if (!s.includes("<")) return false;
  // Script-capable schemes, or entity-encoded characters inside a tag ("java&#x09;script:").
  return /<[a-zA-Z][^<>]*(vbscript|livescript|mocha|data)\s*:/i.test(s) || /<[a-zA-Z][^<>]*&#/.test(s) || /<[a-zA-Z][^<>]*\bstyle\s*=/i.test(s);
}
