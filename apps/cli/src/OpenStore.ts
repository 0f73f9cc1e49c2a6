import { existsSync } from "node:fs"
import { shellWord } from "@lyceum/core"
import { Store, StoreError } from "@lyceum/store"
import { Layer } from "effect"

/** The store of a database that must already exist: reading commands never create an empty one. */
export const openExistingStore = (filename: string) =>
  existsSync(filename)
    ? Store.layer({ filename })
    : Layer.fail(
        new StoreError({
          message: `no database at ${filename}: run a scenario first (lyceum run SCENARIO --db ${shellWord(filename)})`,
        }),
      )
