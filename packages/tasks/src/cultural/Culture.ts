/**
 * The cultures of Lyceum's built-in probe set: Shen et al.'s five (United States, China, India, Iran, Kenya)
 * and three more. A culture is named by a lower-case id; loaders map their sources' country labels to the same
 * ids (see `cultureIdOf`), so per-culture results line up across probe sets.
 */
export const builtinCultureIds = [
  "us",
  "china",
  "india",
  "iran",
  "kenya",
  "japan",
  "brazil",
  "germany",
] as const
export type BuiltinCultureId = (typeof builtinCultureIds)[number]

export interface CultureInfo {
  readonly id: BuiltinCultureId
  /** The country's name as used inside an English sentence ("the United States", "Japan"). */
  readonly name: string
  /** The adjective and demonym ("American", "Japanese"). */
  readonly adjective: string
  /** The language Shen et al. (or, for the added cultures, Lyceum) pairs with the culture. */
  readonly language: string
}

export const builtinCultures: Readonly<Record<BuiltinCultureId, CultureInfo>> = {
  us: { id: "us", name: "the United States", adjective: "American", language: "en" },
  china: { id: "china", name: "China", adjective: "Chinese", language: "zh" },
  india: { id: "india", name: "India", adjective: "Indian", language: "hi" },
  iran: { id: "iran", name: "Iran", adjective: "Iranian", language: "fa" },
  kenya: { id: "kenya", name: "Kenya", adjective: "Kenyan", language: "sw" },
  japan: { id: "japan", name: "Japan", adjective: "Japanese", language: "ja" },
  brazil: { id: "brazil", name: "Brazil", adjective: "Brazilian", language: "pt" },
  germany: { id: "germany", name: "Germany", adjective: "German", language: "de" },
}
