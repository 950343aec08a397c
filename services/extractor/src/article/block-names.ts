// What the names and tags of blocks say about them: the vocabulary every extraction step tests.

export const MIN_PARAGRAPH = 25;

export const DROP_TAGS = new Set([
  "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed", "video", "audio",
  "button", "input", "select", "option", "textarea", "nav", "aside", "head", "link", "meta", "dialog", "menu",
  "figcaption", "map", "area", "track", "source", "picture", "img", "title",
]);
export const DROP_ROLES = /^(?:navigation|banner|contentinfo|complementary|menu|menubar|dialog|alertdialog|search|toolbar|tablist|tab|alert|marquee|status)$/i;

/** Names of blocks that hold site furniture rather than the article. */
export const UNLIKELY = /(?:^|[-_\s])(?:ad|ads|adv|advert|advertisement|banner|breadcrumbs?|combx|comments?|commenting|community|disqus|extra|footer|gdpr|consent|cookies?|masthead|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|sponsor(?:ed)?|supplemental|agegate|pagination|pager|popup|modal|newsletter|subscribe|subscription|signup|promo|outbrain|taboola|recirc|trending|most-?popular|share|sharing|sharebar|toolbar|widget|nav|navbar|navigation|topbar|header|site-header|skip|cta|paywall|overlay|tags|tag-list|taglist|author-bio|bio|byline|dateline|timestamp|meta|caption|credit|credits|print|email|related-?\w*|recommend\w*|read-?more|more-stories|also-read|see-also|jump|copyright|tooltip|popover|hovercard|rollover\w*)(?:$|[-_\s\d])/i;
export const MAYBE_CONTENT = /article|body|column|content|main|mathjax|shadow|story|entry|post-?text|prose|rich-?text/i;
export const POSITIVE = /article|body|content|entry|hentry|h-entry|main|page|post|text|blog|story|prose|paragraph|rich-?text|copy/i;
export const NEGATIVE = /(?:^|[-_\s])(?:ad|ads|hidden|hid|banner|combx|comments?|com|contact|foot|footer|footnote|gdpr|masthead|media|meta|outbrain|taboola|promo|related|scroll|share|sharing|shoutbox|sidebar|skyscraper|sponsor(?:ed)?|shopping|tags?|widget|byline|author|caption|credit|newsletter|signup|subscribe|social|recirc|trending|popular|breadcrumbs?|nav|menu|header|toolbar|rail|teaser|card|embed|video|gallery|slideshow|photo|image|thumb|figure|timestamp|date|time|readmore|read-more|more|inline-?\w*|cookie|consent|copyright|legal|disclaimer)(?:$|[-_\s\d])/i;
/** Inside the chosen article: blocks that are furniture even when short names hide in them. */
export const BOILERPLATE_BLOCK = /(?:^|[-_\s])(?:ad|ads|adv|advert|advertisement|adslot|ad-?container|ad-?wrapper|dfp|gpt|banner|breadcrumbs?|comments?|disqus|share|sharing|sharebar|social|related|recirc|recommend\w*|trending|popular|promo|newsletter|signup|subscribe|subscription|sponsor(?:ed)?|outbrain|taboola|tags?|tag-?list|author-?bio|bio|byline|dateline|timestamp|caption|credit|credits|toolbar|print|rail|sidebar|widget|more-?stories|read-?more|also-?read|see-?also|jump|inline-?(?:ad|promo|related|newsletter)|cookie|consent|paywall|nav|menu|video-?player|gallery|slideshow|prev|next|next-?prev|prev-?next|pagination|pager)(?:$|[-_\s\d])/i;

export const BLOCK_TAGS = new Set([
  "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "dir", "div", "dl", "dt",
  "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr",
  "html", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead",
  "tr", "ul", "br",
]);
export const PARAGRAPH_TAGS = new Set(["p", "pre", "td", "blockquote", "dd", "li", "h2", "h3", "h4", "h5", "h6"]);
export const CONTAINER_TAGS = new Set(["div", "section", "article", "main", "td", "body", "blockquote", "form", "span", "font", "center"]);
/** Names of media blocks: boilerplate when they carry only a caption's worth of text. */
export const MEDIA_BLOCK = /(?:^|[-_\s])(?:photos?|images?|img|figure|picture|media|video|gallery|slideshow|embed|instagram|twitter|tweet|social-?embed)(?:$|[-_\s\d])/i;
