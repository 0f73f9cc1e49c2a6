/** The one cohort identity lives in core (the store keys rows by it too); kinds import it from here. */
export {
  agentsOf,
  CohortId,
  cohortKey,
  cohortLabel,
  cohortName,
  cohortRowKey,
  cohortSeedLabel,
  pointMethod,
  pointOf,
  variantOf,
} from "@lyceum/core"
