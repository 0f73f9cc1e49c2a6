/**
 * Canonical form for comparing lesson text with private text: Unicode NFKC, invisible characters removed,
 * lower case, runs of whitespace collapsed. Cheap disguises (case, spacing, full-width letters) then match.
 */
export const normalizeText = (text: string): string =>
  text
    .normalize("NFKC")
    .replace(/[\u200B-\u200D\u2060\uFEFF\u00AD]/g, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim()
