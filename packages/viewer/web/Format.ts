// Numbers, durations and dates as the pages show them.

export const integer = (value: number | null | undefined) =>
  value === null || value === undefined ? "–" : Math.round(value).toLocaleString("en-US")

export const decimal = (value: number | null | undefined, digits = 3) =>
  value === null || value === undefined || !Number.isFinite(value) ? "–" : value.toFixed(digits)

export const usd = (value: number | null | undefined) =>
  value === null || value === undefined
    ? "–"
    : value < 0.01 && value > 0
      ? `$${value.toFixed(4)}`
      : `$${value.toFixed(2)}`

export const duration = (ms: number | null | undefined) => {
  if (ms === null || ms === undefined) return "–"
  if (ms < 1000) return `${Math.round(ms)} ms`
  const seconds = ms / 1000
  if (seconds < 60) return `${seconds.toFixed(1)} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`
}

export const date = (iso: string | null | undefined) =>
  iso === null || iso === undefined ? "–" : iso.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC")

/** Any cell value as text: numbers with up to 4 decimals, booleans as yes/no. */
export const cell = (value: unknown): string => {
  if (value === null || value === undefined) return ""
  if (typeof value === "number")
    return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(4)))
  if (typeof value === "boolean") return value ? "yes" : "no"
  if (typeof value === "object") return JSON.stringify(value)
  return String(value)
}
