/**
 * Canonical form for comparing lesson text with private text: Unicode NFKC, invisible characters removed,
 * lower case, runs of whitespace collapsed. Cheap disguises (case, spacing, full-width letters) then match.
 * Detectors use the richer views of `ScanText`; this is the form the leakage metrics compare.
 */
export const normalizeText = (text: string): string =>
  text
    .normalize("NFKC")
    .replace(/[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim()
