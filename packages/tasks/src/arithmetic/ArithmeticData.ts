import { makeRng, type Rng } from "@lyceum/core"
import type { ArithmeticExample } from "./ArithmeticExample.js"

/**
 * A built-in, seeded generator of grade-school word problems with worked solutions in GSM8K's style (one step
 * per line with `<<expression=result>>` calculator annotations, then `#### <answer>`), written for Lyceum
 * (not taken from GSM8K). Templates cover shopping, change, sharing, speed, wages, ages, saving, recipes,
 * discounts, counting legs, reading, packing and time; the numbers are drawn so every answer is a whole number.
 */

interface Person {
  readonly name: string
  readonly they: string
  readonly their: string
  readonly themselves: string
}

const person = (name: string, pronoun: "he" | "she"): Person =>
  pronoun === "he"
    ? { name, they: "he", their: "his", themselves: "himself" }
    : { name, they: "she", their: "her", themselves: "herself" }

const people: ReadonlyArray<Person> = [
  person("Amara", "she"),
  person("Ben", "he"),
  person("Carlos", "he"),
  person("Dina", "she"),
  person("Eli", "he"),
  person("Fatima", "she"),
  person("George", "he"),
  person("Hana", "she"),
  person("Ivan", "he"),
  person("Julia", "she"),
  person("Kofi", "he"),
  person("Lena", "she"),
  person("Marco", "he"),
  person("Nora", "she"),
  person("Omar", "he"),
  person("Priya", "she"),
]

/** Things sold singly, with a price range in dollars. */
const goods: ReadonlyArray<readonly [name: string, plural: string, low: number, high: number]> = [
  ["notebook", "notebooks", 2, 6],
  ["pen", "pens", 1, 3],
  ["apple", "apples", 1, 2],
  ["sandwich", "sandwiches", 3, 7],
  ["movie ticket", "movie tickets", 8, 15],
  ["comic book", "comic books", 3, 9],
  ["plant pot", "plant pots", 4, 12],
  ["toy car", "toy cars", 2, 8],
  ["loaf of bread", "loaves of bread", 2, 5],
  ["pair of socks", "pairs of socks", 3, 6],
  ["bag of rice", "bags of rice", 5, 11],
  ["cupcake", "cupcakes", 2, 4],
]

const bigItems = ["bicycle", "video game", "pair of trainers", "guitar", "tablet", "skateboard", "tent"]
const vehicles = ["train", "car", "bus", "truck", "motorbike"]
const treats = ["cookies", "cupcakes", "stickers", "marbles", "sweets", "stamps"]
const packed = ["eggs", "pencils", "bottles", "oranges", "books", "candles"]

/** `expression = <<expression=value>>value`, as GSM8K writes a calculation; `$` before money. */
const calc = (expression: string, value: number, money = false): string =>
  `${expression} = ${money ? "$" : ""}<<${expression.replace(/\s+/g, "")}=${value}>>${value}`

const between = (rng: Rng, low: number, high: number): number => low + rng.int(high - low + 1)

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1)

interface Problem {
  readonly question: string
  readonly steps: ReadonlyArray<string>
  readonly result: number
}

const templates: ReadonlyArray<(rng: Rng) => Problem> = [
  // Shopping: two kinds of goods.
  (rng) => {
    const p = rng.pick(people)
    const [one, other] = rng.shuffle(goods)
    const [, p1, lo1, hi1] = one!
    const [, p2, lo2, hi2] = other!
    const a = between(rng, 2, 9)
    const b = between(rng, 2, 9)
    const c1 = between(rng, lo1, hi1)
    const c2 = between(rng, lo2, hi2)
    return {
      question: `${p.name} buys ${a} ${p1} for $${c1} each and ${b} ${p2} for $${c2} each. How much does ${p.they} spend in total?`,
      steps: [
        `The ${p1} cost ${calc(`${a} * ${c1}`, a * c1, true)}.`,
        `The ${p2} cost ${calc(`${b} * ${c2}`, b * c2, true)}.`,
        `In total ${p.they} spends ${calc(`${a * c1} + ${b * c2}`, a * c1 + b * c2, true)}.`,
      ],
      result: a * c1 + b * c2,
    }
  },
  // Change left over.
  (rng) => {
    const p = rng.pick(people)
    const [, plural, lo, hi] = rng.pick(goods)
    const a = between(rng, 2, 8)
    const c = between(rng, lo, hi)
    const money = a * c + between(rng, 1, 40)
    return {
      question: `${p.name} has $${money}. ${capitalise(p.they)} buys ${a} ${plural} that cost $${c} each. How much money does ${p.they} have left?`,
      steps: [
        `The ${plural} cost ${calc(`${a} * ${c}`, a * c, true)}.`,
        `${capitalise(p.they)} has ${calc(`${money} - ${a * c}`, money - a * c, true)} left.`,
      ],
      result: money - a * c,
    }
  },
  // Sharing after keeping some.
  (rng) => {
    const p = rng.pick(people)
    const thing = rng.pick(treats)
    const friends = between(rng, 2, 8)
    const each = between(rng, 2, 12)
    const kept = between(rng, 1, 10)
    const total = kept + friends * each
    return {
      question: `${p.name} has ${total} ${thing}. ${capitalise(p.they)} keeps ${kept} for ${p.themselves} and shares the rest equally among ${friends} friends. How many ${thing} does each friend get?`,
      steps: [
        `${capitalise(p.they)} shares ${calc(`${total} - ${kept}`, total - kept)} ${thing}.`,
        `Each friend gets ${calc(`${total - kept} / ${friends}`, each)} ${thing}.`,
      ],
      result: each,
    }
  },
  // Speed, time and an extra stretch.
  (rng) => {
    const vehicle = rng.pick(vehicles)
    const speed = 5 * between(rng, 6, 16)
    const hours = between(rng, 2, 6)
    const extra = between(rng, 5, 40)
    return {
      question: `A ${vehicle} travels at ${speed} miles per hour for ${hours} hours and then another ${extra} miles. How many miles does it travel altogether?`,
      steps: [
        `In ${hours} hours it travels ${calc(`${speed} * ${hours}`, speed * hours)} miles.`,
        `Altogether it travels ${calc(`${speed * hours} + ${extra}`, speed * hours + extra)} miles.`,
      ],
      result: speed * hours + extra,
    }
  },
  // Wages over a week.
  (rng) => {
    const p = rng.pick(people)
    const wage = between(rng, 9, 25)
    const hours = between(rng, 3, 8)
    const days = between(rng, 2, 6)
    return {
      question: `${p.name} earns $${wage} an hour. ${capitalise(p.they)} works ${hours} hours a day, ${days} days a week. How much does ${p.they} earn in a week?`,
      steps: [
        `${capitalise(p.they)} works ${calc(`${hours} * ${days}`, hours * days)} hours a week.`,
        `${capitalise(p.they)} earns ${calc(`${hours * days} * ${wage}`, hours * days * wage, true)} a week.`,
      ],
      result: hours * days * wage,
    }
  },
  // Ages: older by, in some years.
  (rng) => {
    const [a, b] = rng.shuffle(people)
    const gap = between(rng, 2, 12)
    const age = between(rng, 4, 30)
    const later = between(rng, 2, 10)
    return {
      question: `${a!.name} is ${gap} years older than ${b!.name}. ${b!.name} is ${age} years old. How old will ${a!.name} be in ${later} years?`,
      steps: [
        `${a!.name} is ${calc(`${age} + ${gap}`, age + gap)} years old now.`,
        `In ${later} years ${a!.they} will be ${calc(`${age + gap} + ${later}`, age + gap + later)} years old.`,
      ],
      result: age + gap + later,
    }
  },
  // Ages: times as old, sum.
  (rng) => {
    const [a, b] = rng.shuffle(people)
    const times = between(rng, 2, 5)
    const age = between(rng, 3, 15)
    return {
      question: `${a!.name} is ${times} times as old as ${b!.name}. ${b!.name} is ${age} years old. What is the sum of their ages?`,
      steps: [
        `${a!.name} is ${calc(`${times} * ${age}`, times * age)} years old.`,
        `The sum of their ages is ${calc(`${times * age} + ${age}`, times * age + age)}.`,
      ],
      result: times * age + age,
    }
  },
  // Saving up.
  (rng) => {
    const p = rng.pick(people)
    const item = rng.pick(bigItems)
    const has = between(rng, 5, 60)
    const weekly = between(rng, 3, 20)
    const weeks = between(rng, 2, 12)
    const cost = has + weekly * weeks
    return {
      question: `${p.name} wants a ${item} that costs $${cost}. ${capitalise(p.they)} already has $${has} and saves $${weekly} a week. How many weeks will it take ${p.name} to save enough?`,
      steps: [
        `${capitalise(p.they)} still needs ${calc(`${cost} - ${has}`, cost - has, true)}.`,
        `That takes ${calc(`${cost - has} / ${weekly}`, weeks)} weeks.`,
      ],
      result: weeks,
    }
  },
  // Scaling a recipe.
  (rng) => {
    const cups = between(rng, 2, 6)
    const batch = 6 * between(rng, 1, 4)
    const times = between(rng, 2, 5)
    const baked = rng.pick(["muffins", "pancakes", "cookies", "scones", "rolls"])
    return {
      question: `A recipe uses ${cups} cups of flour to make ${batch} ${baked}. How many cups of flour are needed to make ${batch * times} ${baked}?`,
      steps: [
        `${batch * times} ${baked} is ${calc(`${batch * times} / ${batch}`, times)} batches.`,
        `That needs ${calc(`${times} * ${cups}`, times * cups)} cups of flour.`,
      ],
      result: times * cups,
    }
  },
  // A discount.
  (rng) => {
    const item = rng.pick(bigItems)
    const percent = rng.pick([10, 20, 25, 50])
    const price = 20 * between(rng, 2, 20)
    const off = (price * percent) / 100
    return {
      question: `A ${item} costs $${price}. The shop takes ${percent}% off the price. How much does the ${item} cost now?`,
      steps: [
        `The discount is ${calc(`${price} * ${percent} / 100`, off, true)}.`,
        `The new price is ${calc(`${price} - ${off}`, price - off, true)}.`,
      ],
      result: price - off,
    }
  },
  // Counting legs on a farm.
  (rng) => {
    const cows = between(rng, 2, 20)
    const hens = between(rng, 2, 30)
    const farmer = rng.pick(people)
    return {
      question: `${farmer.name}'s farm has ${cows} cows and ${hens} chickens. How many legs do the animals have altogether?`,
      steps: [
        `The cows have ${calc(`${cows} * 4`, cows * 4)} legs.`,
        `The chickens have ${calc(`${hens} * 2`, hens * 2)} legs.`,
        `Altogether they have ${calc(`${cows * 4} + ${hens * 2}`, cows * 4 + hens * 2)} legs.`,
      ],
      result: cows * 4 + hens * 2,
    }
  },
  // Pages left to read.
  (rng) => {
    const p = rng.pick(people)
    const perDay = between(rng, 5, 30)
    const days = between(rng, 2, 9)
    const total = perDay * days + between(rng, 10, 150)
    return {
      question: `${p.name}'s book has ${total} pages. ${capitalise(p.they)} reads ${perDay} pages a day for ${days} days. How many pages does ${p.they} have left to read?`,
      steps: [
        `${capitalise(p.they)} reads ${calc(`${perDay} * ${days}`, perDay * days)} pages.`,
        `${capitalise(p.they)} has ${calc(`${total} - ${perDay * days}`, total - perDay * days)} pages left.`,
      ],
      result: total - perDay * days,
    }
  },
  // Packing into boxes.
  (rng) => {
    const thing = rng.pick(packed)
    const perBox = between(rng, 4, 24)
    const boxes = between(rng, 2, 15)
    return {
      question: `A box holds ${perBox} ${thing}. How many boxes are needed to pack ${perBox * boxes} ${thing}?`,
      steps: [`The number of boxes is ${calc(`${perBox * boxes} / ${perBox}`, boxes)}.`],
      result: boxes,
    }
  },
  // Time over a week.
  (rng) => {
    const p = rng.pick(people)
    const weekday = 5 * between(rng, 2, 12)
    const weekend = 5 * between(rng, 2, 18)
    const activity = rng.pick(["practising the piano", "doing homework", "reading", "running", "drawing"])
    return {
      question: `${p.name} spends ${weekday} minutes ${activity} on each weekday and ${weekend} minutes on each day of the weekend. How many minutes does ${p.they} spend ${activity} in a week?`,
      steps: [
        `On weekdays ${p.they} spends ${calc(`5 * ${weekday}`, 5 * weekday)} minutes.`,
        `At the weekend ${p.they} spends ${calc(`2 * ${weekend}`, 2 * weekend)} minutes.`,
        `In a week ${p.they} spends ${calc(`${5 * weekday} + ${2 * weekend}`, 5 * weekday + 2 * weekend)} minutes.`,
      ],
      result: 5 * weekday + 2 * weekend,
    }
  },
]

/**
 * `size` (default 300) distinct built-in word problems, templates used in turn, numbers drawn at random,
 * shuffled. The same seed always gives the same items and ids (`builtin-arithmetic-0000`, ...).
 */
export const builtinArithmeticItems = (seed = 0, size = 300): ReadonlyArray<ArithmeticExample> => {
  const rng = makeRng(seed).fork("builtin-arithmetic")
  const seen = new Set<string>()
  const out: Array<Omit<ArithmeticExample, "id">> = []
  for (let attempt = 0; out.length < size && attempt < size * 50; attempt++) {
    const problem = templates[attempt % templates.length]!(rng)
    if (seen.has(problem.question)) continue
    seen.add(problem.question)
    out.push({ question: problem.question, answer: `${problem.steps.join("\n")}\n#### ${problem.result}` })
  }
  return rng
    .fork("order")
    .shuffle(out)
    .map((item, i) => ({ id: `builtin-arithmetic-${String(i).padStart(4, "0")}`, ...item }))
}
