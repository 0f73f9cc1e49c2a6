import type { KindSchema } from "@lyceum/scenario"
import { populationChecks, populationDataChecks, populationVariantCount } from "./PopulationChecks.js"
import { populationFields } from "./PopulationConfig.js"

/** The scenario section `kind: population` owns, and its checks (on the file, and on the data it draws from). */
export const populationSchema: KindSchema = {
  name: "population",
  fields: populationFields,
  crossChecks: populationChecks,
  variantCount: populationVariantCount,
  dataChecks: populationDataChecks,
}
