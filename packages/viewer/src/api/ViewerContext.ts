import type { KindReport } from "@lyceum/report"
import { Context } from "effect"
import type { ViewerDb } from "../db/OpenDb.js"

/**
 * What the viewer knows of coalition kinds, given by the CLI from the kinds registry (the viewer package
 * depends on no kind): each kind's report tables, and how many steps a stored run plans.
 */
export interface KindCatalog {
  /** The report of a kind (the tables `lyceum report` shows); undefined for a kind this build lacks. */
  readonly report: (kind: string) => KindReport | undefined
  /**
   * Cohorts and steps per cohort the run plans, from its kind and stored scenario (`runs.config`); undefined
   * when the kind is unknown or the scenario cannot say.
   */
  readonly plan: (
    kind: string,
    config: unknown,
  ) => { readonly cohorts: number; readonly steps: number } | undefined
}

/** The database being viewed and the kind catalog, for the API's queries. */
export class Viewer extends Context.Tag("@lyceum/viewer/Viewer")<
  Viewer,
  { readonly db: ViewerDb; readonly catalog: KindCatalog }
>() {}
