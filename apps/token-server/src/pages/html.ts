/** A fragment of HTML that is already safe to insert; anything else is escaped by `html`. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
}

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (char) => ESCAPES[char] ?? char)
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[]

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return ''
  if (value instanceof SafeHtml) return value.value
  if (Array.isArray(value)) return value.map(render).join('')
  return escapeHtml(String(value))
}

/** Tagged template: every interpolated value is escaped unless it is `SafeHtml`. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? ''
  for (let index = 0; index < values.length; index++) {
    out += render(values[index] as Interpolation) + (strings[index + 1] ?? '')
  }
  return new SafeHtml(out)
}

/** Path of the stylesheet route; pages link to it so that CSP can forbid inline styles. */
export const STYLESHEET_PATH = '/assets/pipeshub.css'

export const STYLESHEET = `:root{color-scheme:light dark;--fg:#1b1f24;--bg:#f6f7f9;--card:#fff;--muted:#57606a;--accent:#2457c5;--accent-fg:#fff;--danger:#b3261e;--border:#d0d7de}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--card:#161b22;--muted:#9198a1;--accent:#4c8dff;--accent-fg:#0d1117;--danger:#ff7b72;--border:#30363d}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:grid;place-items:center;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{width:min(26rem,calc(100vw - 2rem));background:var(--card);border:1px solid var(--border);border-radius:12px;padding:2rem;margin:2rem 0}
h1{font-size:1.4rem;margin:0 0 .25rem}
p.lead{color:var(--muted);margin:0 0 1.5rem}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input[type=text],input[type=password]{width:100%;padding:.6rem .7rem;font:inherit;color:inherit;background:transparent;border:1px solid var(--border);border-radius:8px}
input:focus-visible,button:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.actions{display:flex;gap:.75rem;margin-top:1.5rem}
button{flex:1;padding:.65rem 1rem;font:inherit;font-weight:600;border-radius:8px;border:1px solid var(--accent);cursor:pointer}
button.primary{background:var(--accent);color:var(--accent-fg)}
button.secondary{background:transparent;color:var(--accent)}
.error{border:1px solid var(--danger);color:var(--danger);border-radius:8px;padding:.6rem .8rem;margin:0 0 1rem}
fieldset{border:0;padding:0;margin:0}
legend{font-weight:600}
h2.scope-category{font-size:.95rem;font-weight:600;margin:1rem 0 0;color:var(--muted)}
ul.scopes{padding-left:1.2rem;margin:.25rem 0 0}
ul.scopes code{font-size:.9em}
pre{overflow-x:auto;padding:.75rem;border:1px solid var(--border);border-radius:8px;font-size:.85rem}
dd{margin:0 0 .5rem;word-break:break-all}
.muted{color:var(--muted);font-size:.9rem}
.notice{border:1px solid var(--border);border-radius:8px;padding:.6rem .8rem;margin:0 0 1rem}
ul.apps{list-style:none;padding:0;margin:0}
li.app{border-top:1px solid var(--border);padding:1rem 0}
li.app h2{font-size:1.1rem;margin:0}
a{color:var(--accent)}
`

export interface LayoutOptions {
  title: string
  body: SafeHtml
}

/** The document shell shared by every end-user page. */
export function layout({ title, body }: LayoutOptions): string {
  return `<!doctype html>${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · PipesHub</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`}`
}

/**
 * Headers of every end-user page: no caching of pages that carry CSRF tokens, no framing
 * (clickjacking of the consent button), and a CSP that allows nothing but our stylesheet.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    // No form-action: browsers apply it to the redirect after the consent POST, which goes to the
    // client's redirect URI (any origin, custom schemes included).
    "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'",
}
