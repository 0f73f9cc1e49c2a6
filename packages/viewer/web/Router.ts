// The hash router: `#/path?query` → a page. Each page renders into the main element; its `signal` aborts when
// the route changes, which cancels its requests and stops its polling.

export interface Route {
  readonly path: ReadonlyArray<string>
  readonly query: URLSearchParams
}

export interface PageContext {
  readonly route: Route
  readonly root: HTMLElement
  readonly signal: AbortSignal
}

export type Page = (context: PageContext) => void

export const parseHash = (hash: string): Route => {
  const text = hash.replace(/^#/, "")
  const [path = "", query = ""] = text.split("?", 2) as [string?, string?]
  return {
    path: path
      .split("/")
      .filter((part) => part !== "")
      .map((part) => decodeURIComponent(part)),
    query: new URLSearchParams(query),
  }
}

/** `#/a/b?x=1` from path segments and query values (empty values are left out). */
export const hashOf = (path: ReadonlyArray<string>, query: Record<string, string | undefined> = {}) => {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== "") params.set(key, value)
  const text = params.toString()
  return `#/${path.map(encodeURIComponent).join("/")}${text === "" ? "" : `?${text}`}`
}

export const start = (root: HTMLElement, resolve: (route: Route) => Page) => {
  let controller: AbortController | undefined
  const show = () => {
    controller?.abort()
    controller = new AbortController()
    const route = parseHash(location.hash)
    root.replaceChildren()
    resolve(route)({ route, root, signal: controller.signal })
    document.querySelectorAll("nav a").forEach((a) => {
      const target = a.getAttribute("href") ?? ""
      a.toggleAttribute("aria-current", target === `#/${route.path[0] ?? ""}`)
    })
  }
  window.addEventListener("hashchange", show)
  show()
}
