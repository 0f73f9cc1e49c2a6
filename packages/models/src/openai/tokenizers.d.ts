/** mistral-tokenizer-js ships no types; only what `TokenEstimate.ts` uses. */
declare module "mistral-tokenizer-js" {
  const mistralTokenizer: {
    encode(prompt: string, addBosToken?: boolean, addPrecedingSpace?: boolean): Array<number>
  }
  export default mistralTokenizer
}
