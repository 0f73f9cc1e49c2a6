// The viewer API's shapes (DESIGN16 "Viewer API contract") and one fetch helper. The server owns the truth; these
// types only say what the pages read, so an extra field from the server is harmless.

export interface Meta {
  readonly db: string
  readonly schemaVersion: number
  readonly readOnly: boolean
  readonly version: string
}

export interface Progress {
  readonly done: number
  readonly total: number
}

export interface RunRow {
  readonly id: string
  readonly scenario: string
  readonly kind: string
  readonly status: string
  readonly seed: number
  readonly startedAt: string
  readonly finishedAt: string | null
  readonly durationMs: number | null
  readonly tokens: number
  readonly costUsd: number | null
  readonly progress: Progress | null
  readonly sweep: boolean
}

export interface Page<Row> {
  readonly total: number
  readonly rows: ReadonlyArray<Row>
}

export interface Cohort {
  readonly repeat: number
  readonly task: string
  readonly method: string
  readonly point: number | null
  readonly stepsDone: number
  /** Null when the kind cannot say how many steps a cohort plans. */
  readonly steps: number | null
}

export interface SweepPoint {
  readonly point: number
  readonly label: string
  readonly values: unknown
}

export interface RunDetail {
  readonly run: RunRow
  readonly scenarioText: string
  readonly config: unknown
  readonly error: string | null
  readonly cohorts: ReadonlyArray<Cohort>
  readonly points: ReadonlyArray<SweepPoint>
}

export interface CurvePoint {
  readonly x: number
  readonly mean: number
  /** Null with a single repeat. */
  readonly sem: number | null
  readonly n: number
}

export interface Series {
  readonly key: string
  readonly task: string
  readonly method: string
  readonly point: number | null
  readonly metric: string
  readonly points: ReadonlyArray<CurvePoint>
}

export interface FrontierPoint {
  readonly task: string
  readonly method: string
  readonly point: number | null
  readonly repeats: number
  readonly accuracy: number
  readonly accuracySem: number | null
  readonly tokensPerItem: number
  readonly costPerItem: number | null
}

export interface Curves {
  readonly kind: string
  readonly xLabel: string
  readonly yLabel: string
  readonly series: ReadonlyArray<Series>
  /** Ensemble runs: each variant's accuracy against what it spent per item. */
  readonly frontier?: ReadonlyArray<FrontierPoint>
}

export interface Column {
  readonly key: string
  readonly label: string
  readonly numeric: boolean
}

export interface Table {
  readonly name: string
  readonly title: string
  /** What the report prints under the table (how to read it, what a column means). */
  readonly notes?: ReadonlyArray<string>
  readonly columns: ReadonlyArray<Column>
  readonly rows: ReadonlyArray<Record<string, unknown>>
}

export interface LessonRow {
  readonly id: string
  readonly repeat: number
  readonly round: number
  readonly task: string
  readonly method: string
  readonly teacher: string
  readonly student: string
  readonly kind: string
  readonly action: string
  readonly detector: string | null
  readonly reason: string | null
  readonly sent: boolean | number
  readonly chosen: boolean | number
  readonly textPreview: string
}

export interface Finding {
  readonly detector: string
  readonly action: string
  readonly start: number
  readonly end: number
  readonly reason: string
  readonly matchedHash: string
}

export interface LessonDetail {
  readonly lesson: Record<string, unknown> & { readonly text: string }
  readonly findings: ReadonlyArray<Finding>
}

export interface AnswerRow {
  readonly repeat: number
  readonly round: number
  readonly task: string
  readonly method: string
  readonly student: string
  readonly itemId: string
  readonly metric: string
  readonly answer: string
  readonly target: string
  readonly score: number
  readonly prompt: string | null
}

export interface UsageRow {
  readonly repeat: number
  readonly round: number
  readonly task: string
  readonly method: string
  readonly agent: string
  readonly model: string
  readonly calls: number
  readonly promptTokens: number
  readonly completionTokens: number
  readonly costUsd: number | null
}

export interface Usage {
  readonly totals: {
    readonly calls: number
    readonly promptTokens: number
    readonly completionTokens: number
    readonly costUsd: number | null
  }
  /** Per-agent rows in all (`rows` is one page of them). */
  readonly total?: number
  readonly rows: ReadonlyArray<UsageRow>
}

export interface Paired {
  readonly a: string
  readonly b: string
  readonly task: string
  readonly method: string
  readonly meanDiff: number
  readonly pValue: number
  readonly n: number
}

export interface Comparison {
  readonly runs: ReadonlyArray<RunRow>
  readonly series: ReadonlyArray<Series>
  readonly paired: ReadonlyArray<Paired>
}

/** A failed request, with the server's `{ error }` message when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

type Query = Record<string, string | number | undefined>

const withQuery = (path: string, query: Query = {}) => {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== "") params.set(key, String(value))
  const text = params.toString()
  return text === "" ? path : `${path}?${text}`
}

/** GET a JSON endpoint; `signal` cancels it when the page it was for is left. */
export const get = async <A>(path: string, query?: Query, signal?: AbortSignal): Promise<A> => {
  const response = await fetch(withQuery(path, query), signal === undefined ? {} : { signal })
  const body: unknown = await response.json().catch(() => undefined)
  if (!response.ok) {
    const message =
      typeof body === "object" && body !== null && "error" in body ? String(body.error) : response.statusText
    throw new ApiError(response.status, `${path}: ${message} (HTTP ${response.status})`)
  }
  return body as A
}

/** `/api/runs/<id>` with every segment encoded (lesson ids contain slashes). */
export const runPath = (id: string, ...rest: ReadonlyArray<string>) =>
  ["/api/runs", id, ...rest].map((part, index) => (index === 0 ? part : encodeURIComponent(part))).join("/")
