import type { KindSchema } from "@lyceum/scenario"
import { ensembleChecks, ensembleVariantCount } from "./EnsembleChecks.js"
import { ensembleFields } from "./EnsembleConfig.js"

/** The scenario section `kind: ensemble` owns: proposers, holdout, aggregators, and their checks. */
export const ensembleSchema: KindSchema = {
  name: "ensemble",
  fields: ensembleFields,
  crossChecks: ensembleChecks,
  variantCount: ensembleVariantCount,
}
