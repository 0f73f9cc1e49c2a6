import { isBoundary, newShapeCounts, ShapeTable } from "./Casing.js"
import { builtinCorpus } from "./Corpus.js"
import { KneserNey } from "./KneserNey.js"
import { DigitModel, SpellingModel } from "./SpellingModel.js"
import { isNumberKey, newline, tokenize, tokenKey } from "./Tokenizer.js"

/**
 * The sim model's prior: a Kneser–Ney trigram over token keys trained on a corpus. Its vocabulary is every
 * word seen at least twice; rarer words are trained as `<unk>`, so `<unk>` learns where new words turn up,
 * and an unknown word's probability is P(<unk> | context) times its spelling probability. Numbers are
 * predicted as a class per digit count (`<num:4>`) and then spelled digit by digit. Trained once per corpus
 * and shared by every sim model instance.
 */
export interface Background {
  /** Vocabulary keys by id, including the classes `<unk>` and `<num:1>`..`<num:16>` (16 = 16 or more digits). */
  readonly vocabulary: ReadonlyArray<string>
  readonly ids: ReadonlyMap<string, number>
  readonly newlineId: number
  readonly unknownId: number
  readonly ngram: KneserNey
  readonly spelling: SpellingModel
  readonly digits: DigitModel
  readonly shapes: ShapeTable
  /** P(shape | boundary), index `boundary * 4 + shape`. */
  readonly shapePrior: Float64Array
  /** The class a key is predicted through: itself if known, else `<num:L>` or `<unk>`. */
  readonly classOf: (key: string) => number
  /** Log P(key | its class): 0 for vocabulary words, the spelling probability otherwise. */
  readonly spellingLogProbability: (key: string) => number
  /**
   * Log of the effective number of members of each class entry (exp of the spelling entropy; 0 for words):
   * a class's probability is spread over that many strings, which matters when sampling below temperature 1.
   */
  readonly classLogMultiplicity: Float64Array
}

export const unknownKey = "<unk>"
export const maxNumberClass = 16
/** Numbers of `maxNumberClass` digits or more: each further digit follows with this probability. */
export const longNumberContinue = 0.5
export const numberClassKey = (digits: number): string => `<num:${Math.min(digits, maxNumberClass)}>`

const train = (corpus: string): Background => {
  const tokens = tokenize(corpus)
  const keys = tokens.map(tokenKey)
  const frequency = new Map<string, number>()
  for (const key of keys) frequency.set(key, (frequency.get(key) ?? 0) + 1)

  const vocabulary: Array<string> = [newline, unknownKey]
  for (let digits = 1; digits <= maxNumberClass; digits++) vocabulary.push(numberClassKey(digits))
  const wordTypes: Array<string> = []
  const numbers: Array<string> = []
  for (const [key, count] of frequency) {
    if (isNumberKey(key)) {
      for (let i = 0; i < count; i++) numbers.push(key)
      continue
    }
    wordTypes.push(key)
    if (count >= 2 && key !== newline) vocabulary.push(key)
  }
  const ids = new Map(vocabulary.map((key, id) => [key, id] as const))
  const unknownId = ids.get(unknownKey)!
  const classOf = (key: string): number =>
    ids.get(key) ?? (isNumberKey(key) ? ids.get(numberClassKey([...key].length))! : unknownId)

  const newlineId = ids.get(newline)!
  const stream = [newlineId, newlineId, ...keys.map(classOf)]
  const spelling = new SpellingModel(wordTypes)
  const digits = new DigitModel(numbers)

  const shapes = new ShapeTable()
  const shapePrior = newShapeCounts()
  tokens.forEach((surface, i) => {
    const boundary = isBoundary(tokens[i - 1])
    shapes.add(keys[i]!, surface, boundary, 1)
  })
  for (const counts of shapes.counts.values()) for (let i = 0; i < 8; i++) shapePrior[i]! += counts[i]!
  for (const offset of [0, 4]) {
    const total = shapePrior.subarray(offset, offset + 4).reduce((sum, count) => sum + count + 1, 0)
    for (let i = offset; i < offset + 4; i++) shapePrior[i] = (shapePrior[i]! + 1) / total
  }

  const spellingLogProbability = (key: string): number => {
    if (ids.has(key)) return 0
    if (!isNumberKey(key)) return spelling.logProbability(key)
    const extra = [...key].length - maxNumberClass
    const length = extra < 0 ? 0 : extra * Math.log(longNumberContinue) + Math.log(1 - longNumberContinue)
    return length + digits.logProbability(key)
  }
  const classLogMultiplicity = new Float64Array(vocabulary.length)
  const rare = wordTypes.filter((key) => frequency.get(key) === 1)
  classLogMultiplicity[unknownId] =
    rare.reduce((sum, key) => sum - spelling.logProbability(key), 0) / Math.max(1, rare.length)
  // Digits are close to uniform: L digits spread a class over about 10^L numbers.
  for (let length = 1; length <= maxNumberClass; length++) {
    classLogMultiplicity[ids.get(numberClassKey(length))!] = length * Math.log(10)
  }

  return {
    vocabulary,
    ids,
    newlineId,
    unknownId,
    ngram: new KneserNey(stream, vocabulary.length),
    spelling,
    digits,
    shapes,
    shapePrior,
    classOf,
    spellingLogProbability,
    classLogMultiplicity,
  }
}

const trained = new Map<string, Background>()

/** The background trained on `corpus` (default: the built-in corpus), trained once and then shared. */
export const backgroundFor = (corpus: string = builtinCorpus): Background => {
  let background = trained.get(corpus)
  if (background === undefined) {
    background = train(corpus)
    trained.set(corpus, background)
  }
  return background
}
