import type { KindSchema } from "@lyceum/scenario"
import { ensembleChecks, ensembleDataChecks, ensembleVariantCount } from "./EnsembleChecks.js"
import { ensembleFields } from "./EnsembleConfig.js"

/** The scenario section `kind: ensemble` owns: proposers, holdout, aggregators, and their checks
 * (on the file, and on the data it draws from). */
export const ensembleSchema: KindSchema = {
  name: "ensemble",
  fields: ensembleFields,
  crossChecks: ensembleChecks,
  variantCount: ensembleVariantCount,
  dataChecks: ensembleDataChecks,
}
