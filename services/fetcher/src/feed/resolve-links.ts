// RFC 3986 reference resolution done on strings, like Python's urljoin: an absolute reference is
// returned exactly as written (feed ids must not be normalised: Atom 1.0 §4.2.6.1), and resolved
// references keep the base's spelling (no host lower-casing, no IRI percent-encoding).

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

interface Parts {
  scheme: string;
  authority: string | null;
  path: string;
  query: string | null;
  fragment: string | null;
}

function split(uri: string): Parts {
  const m = /^(?:([a-z][a-z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/is.exec(uri)!;
  return { scheme: m[1] ?? "", authority: m[2] ?? null, path: m[3] ?? "", query: m[4] ?? null, fragment: m[5] ?? null };
}

function removeDotSegments(path: string): string {
  const input = path.split("/");
  const out: string[] = [];
  for (let i = 0; i < input.length; i++) {
    const seg = input[i]!;
    if (seg === ".") {
      if (i === input.length - 1) out.push("");
      continue;
    }
    if (seg === "..") {
      if (out.length > 1) out.pop();
      if (i === input.length - 1) out.push("");
      continue;
    }
    out.push(seg);
  }
  return out.join("/");
}

function join(p: Parts): string {
  let s = p.scheme ? `${p.scheme}:` : "";
  if (p.authority !== null) s += `//${p.authority}`;
  s += p.path;
  if (p.query !== null) s += `?${p.query}`;
  if (p.fragment !== null) s += `#${p.fragment}`;
  return s;
}

/** Resolves `href` against `base`; absolute or base-less references come back unchanged (trimmed). */
export function urljoin(base: string | null | undefined, href: string): string {
  const ref = href.trim();
  if (!base) return ref;
  if (SCHEME.test(ref)) return ref;
  const b = split(base.trim());
  if (!b.scheme) return ref;
  const r = split(ref);
  const t: Parts = { scheme: b.scheme, authority: null, path: "", query: null, fragment: r.fragment };
  if (r.authority !== null) {
    t.authority = r.authority;
    t.path = removeDotSegments(r.path);
    t.query = r.query;
  } else {
    t.authority = b.authority;
    if (r.path === "") {
      t.path = b.path;
      t.query = r.query ?? b.query;
    } else {
      if (r.path.startsWith("/")) t.path = removeDotSegments(r.path);
      else {
        const merged =
          b.authority !== null && b.path === "" ? `/${r.path}` : b.path.slice(0, b.path.lastIndexOf("/") + 1) + r.path;
        t.path = removeDotSegments(merged);
      }
      t.query = r.query;
    }
  }
  if (t.authority !== null && t.path !== "" && !t.path.startsWith("/")) t.path = `/${t.path}`;
  return join(t);
}

const UNSAFE_SCHEME = /^\s*(javascript|vbscript|data|livescript|mocha)\s*:/i;

/** True for URLs that must never reach a reader (script or inline-data schemes). */
export function isUnsafeUrl(url: string): boolean {
  // Browsers ignore control characters and whitespace inside a scheme ("java\tscript:").
  return UNSAFE_SCHEME.test(url.replace(/[\u0000-\u0020\u007f]+/g, ""));
}
