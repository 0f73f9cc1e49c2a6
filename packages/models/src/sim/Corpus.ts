import { corpusMessages } from "./CorpusMessages.js"
import { corpusMoreText } from "./CorpusMoreText.js"
import { corpusText } from "./CorpusText.js"

/**
 * The sim model's default background corpus: hand-written everyday English (stories, notes, dialogue) and a
 * few hundred generated everyday text messages. About 45 KB; written for Lyceum, not taken from any dataset.
 */
export const builtinCorpus: string = `${corpusText}\n\n${corpusMoreText}\n\n${corpusMessages(0, 420)}`
