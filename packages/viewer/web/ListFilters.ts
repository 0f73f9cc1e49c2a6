// A filter form whose values live in the hash query (so back/forward and shared links keep them), plus the
// offset for pagination. Used by the lessons and answers drill-downs.
import { h, labelled } from "./Dom.js"
import { hashOf, type Route } from "./Router.js"

export interface FilterField {
  readonly name: string
  readonly label: string
  /** A fixed choice (a select with "any"); a free text or number input otherwise. */
  readonly options?: ReadonlyArray<readonly [value: string, label: string]>
  readonly numeric?: boolean
}

export const queryOf = (route: Route, fields: ReadonlyArray<FilterField>) => {
  const values: Record<string, string> = {}
  for (const field of fields) values[field.name] = route.query.get(field.name) ?? ""
  return values
}

export const offsetOf = (route: Route) => Math.max(0, Number(route.query.get("offset") ?? 0) || 0)

export const filterForm = (route: Route, fields: ReadonlyArray<FilterField>) => {
  const values = queryOf(route, fields)
  const controls = fields.map((field) => {
    const value = values[field.name] ?? ""
    const control =
      field.options === undefined
        ? h("input", {
            name: field.name,
            type: field.numeric === true ? "number" : "text",
            min: field.numeric === true ? 0 : undefined,
            value,
            size: 10,
          })
        : h(
            "select",
            { name: field.name },
            h("option", { value: "" }, "any"),
            field.options.map(([option, label]) =>
              h("option", { value: option, selected: option === value }, label),
            ),
          )
    return [field.name, control] as const
  })
  const submit = () => {
    const query: Record<string, string> = {}
    for (const [name, control] of controls) query[name] = control.value.trim()
    location.hash = hashOf(route.path, query)
  }
  const form = h(
    "form",
    {
      class: "filters",
      role: "search",
      onsubmit: (event: Event) => {
        event.preventDefault()
        submit()
      },
    },
    controls.map(([, control], index) => labelled(fields[index]?.label ?? "", control)),
    h("button", { type: "submit" }, "Filter"),
    h("a", { href: hashOf(route.path), class: "clear" }, "Clear"),
  )
  for (const [, control] of controls)
    if (control instanceof HTMLSelectElement) control.addEventListener("change", submit)
  return form
}

/** The current route with a new offset. */
export const goToOffset = (route: Route) => (offset: number) => {
  const query = Object.fromEntries(route.query.entries())
  location.hash = hashOf(route.path, { ...query, offset: offset === 0 ? undefined : String(offset) })
}
