import type { AnyKind } from "@lyceum/coalition"
import { ensemble } from "@lyceum/ensemble"
import { socialLearning } from "@lyceum/learning"
import { population } from "@lyceum/population"

/**
 * Every coalition kind Lyceum knows, one line each. The first is the default of a scenario without `kind:`.
 * A new kind is a package exporting a `CoalitionKind` and a line here (docs/architecture.md).
 */
export const kinds: ReadonlyArray<AnyKind> = [socialLearning, ensemble, population]
