// A tiny element builder: every value goes in as text or an attribute, never as HTML, so nothing read from the
// database (lesson text, model output) can inject markup.

type Child = Node | string | number | null | undefined | false
type Attributes = Record<string, string | number | boolean | undefined | null | EventListener>

export const h = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: ReadonlyArray<Child | ReadonlyArray<Child>>
): HTMLElementTagNameMap[K] => {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue
    if (typeof value === "function") element.addEventListener(name.replace(/^on/, ""), value)
    else if (value === true) element.setAttribute(name, "")
    else element.setAttribute(name, String(value))
  }
  append(element, children)
  return element
}

export const append = (parent: Node, children: ReadonlyArray<Child | ReadonlyArray<Child>>) => {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)))
  }
}

/** Replace everything inside `parent`. */
export const replace = (parent: Element, ...children: ReadonlyArray<Child | ReadonlyArray<Child>>) => {
  parent.replaceChildren()
  append(parent, children)
}

/** An in-app link to a hash route. */
export const link = (hash: string, ...children: ReadonlyArray<Child>) => h("a", { href: hash }, ...children)

/** A `<label>` around a control, so every filter has an accessible name. */
export const labelled = (text: string, control: HTMLElement) =>
  h("label", { class: "field" }, h("span", {}, text), control)

export const errorBox = (error: unknown) =>
  h("p", { class: "error", role: "alert" }, error instanceof Error ? error.message : String(error))
