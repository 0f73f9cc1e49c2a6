/**
 * One grade-school word problem in GSM8K's shape: `answer` is a worked solution, one step per line (steps may
 * carry calculator annotations such as `<<48/2=24>>`), ending in a line `#### <final number>`.
 */
export interface ArithmeticExample {
  readonly id: string
  readonly question: string
  readonly answer: string
}
