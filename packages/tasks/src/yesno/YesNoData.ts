import { makeRng, type Rng } from "@lyceum/core"
import type { YesNoExample, YesNoLabel } from "./YesNoExample.js"

/**
 * A built-in, seeded generator of BoolQ-like items, written for Lyceum (not taken from BoolQ): a short
 * encyclopedia-style passage about an invented place, creature, book or organisation, and a lower-case yes/no
 * question without a question mark (as BoolQ writes them) that the passage answers. Each frame states a fact
 * one way or the other (the bird migrates / does not); the question asks it directly or, for some items, the
 * other way round ("does it stay all year"), and facts are worded with and without negative words, so "not"
 * in the passage does not simply mean "no". A quarter of the items instead describe an invented creature and
 * ask whether it is a bird, fish, mammal or insect. Half the items are "yes". Everything named is invented, so answers come from the passage, not from memory.
 */

interface Names {
  readonly town: string
  readonly town2: string
  readonly place: string
  readonly region: string
  readonly year: number
  readonly year2: number
  readonly n: number
}

interface Frame {
  /** The subject's name (as written in the passage), from the random names. */
  readonly subject: (rng: Rng, names: Names) => string
  readonly intro: (s: string, names: Names) => string
  /** The fact stated so that the direct question's answer is "yes", and so that it is "no". */
  readonly yes: (s: string, names: Names) => string
  readonly no: (s: string, names: Names) => string
  /** The direct question; `inverse` asks the opposite, so its answer is "yes" after the `no` fact. */
  readonly question: (s: string, names: Names) => string
  readonly inverse?: (s: string, names: Names) => string
}

const firstParts = ["Var", "Kel", "Bram", "Tor", "Lin", "Mor", "Ash", "Fen", "Cal", "Dun", "Hal", "Ros"]
const lastParts = ["now", "by", "wick", "ford", "mere", "ton", "dale", "holm", "stead", "wood", "ley", "ach"]
const regions = ["the northern valleys", "the western coast", "the eastern plains", "the southern hills"]

const placeName = (rng: Rng): string => `${rng.pick(firstParts)}${rng.pick(lastParts)}`

const names = (rng: Rng): Names => {
  const town = placeName(rng)
  let town2 = placeName(rng)
  while (town2 === town) town2 = placeName(rng)
  const year = 1700 + rng.int(280)
  return {
    town,
    town2,
    place: placeName(rng),
    region: rng.pick(regions),
    year,
    year2: year + 5 + rng.int(2000 - year),
    n: 3 + rng.int(60),
  }
}

const lower = (text: string): string => text.toLowerCase()

const fillers = [
  "It is popular with walkers in the summer months.",
  "Local people have many stories about it.",
  "It appears on the old county maps.",
  "A small guidebook about it is sold in the town.",
  "Several articles have been written about it.",
  "",
  "",
]

const frames: ReadonlyArray<Frame> = [
  {
    subject: (_rng, n) => `Lake ${n.place}`,
    intro: (s, n) =>
      `${s} is a freshwater lake in the hills north of ${n.town}. It is about ${n.n} kilometres long and is fed by several small streams.`,
    yes: () => "The lake is not deep, and in most winters it freezes over completely, so people skate on it.",
    no: () =>
      "Because of warm springs under the water, the lake stays open and ice-free even in the coldest winters.",
    question: (s) => `does ${lower(s)} freeze over in winter`,
    inverse: (s) => `does ${lower(s)} stay free of ice all winter`,
  },
  {
    subject: (rng, n) =>
      `the ${n.town} Museum of ${rng.pick(["Clocks", "Toys", "Farming", "Maps", "Glass"])}`,
    intro: (s, n) => `${s.charAt(0).toUpperCase()}${s.slice(1)} opened in ${n.year} in a former wool mill.`,
    yes: () => "Entry is free for everyone, and donations are welcome.",
    no: (_s, n) =>
      `Visitors pay an entry fee of ${(n.n % 12) + 3} pounds, though children under five go in free.`,
    question: (s) => `is entry to ${lower(s)} free`,
    inverse: (s) => `do visitors have to pay to enter ${lower(s)}`,
  },
  {
    subject: (rng) =>
      `${rng.pick(["crested", "spotted", "grey", "golden", "marsh"])} ${rng.pick(["warbler", "finch", "wren", "lark", "pipit"])}`,
    intro: (s, n) => `The ${s} is a small songbird found in the forests of ${n.region}.`,
    yes: () => "It does not stay for the winter: every autumn it migrates south to warmer countries.",
    no: () => "Unlike many of its relatives, it stays in the same forest all year round.",
    question: (s) => `does the ${s} migrate in winter`,
    inverse: (s) => `does the ${s} stay in the same place all year`,
  },
  {
    subject: (_rng, n) => `the ${n.town} to ${n.town2} railway`,
    intro: (s, n) => `${s.charAt(0).toUpperCase()}${s.slice(1)} is a single-track line built in ${n.year}.`,
    yes: () => "The line was never closed, and passenger trains still run on it every day.",
    no: (_s, n) => `The line closed to passengers in ${n.year2} and is now used only by freight trains.`,
    question: (_s, n) => `do passenger trains still run between ${lower(n.town)} and ${lower(n.town2)}`,
    inverse: (s) => `is ${lower(s)} closed to passengers`,
  },
  {
    subject: (rng, n) => `${n.place} ${rng.pick(["and Sons", "Brothers", "Limited"])}`,
    intro: (s, n) => `${s} is a family firm that makes wooden furniture in ${n.town}.`,
    yes: () => "It does not sell only at home: its chairs and tables are sold all over the world.",
    no: () => "Its furniture is sold within the country alone.",
    question: (s) => `does ${lower(s)} sell its furniture abroad`,
  },
  {
    subject: (rng, n) =>
      `${n.town} ${rng.pick(["kite", "folk music", "cheese", "lantern", "boat"])} festival`,
    intro: (s) => `The ${s} takes place every summer on the town green.`,
    yes: (_s, n) => `It has been held every year since it began in ${n.year}.`,
    no: (_s, n) => `It was cancelled in ${n.year2} and has not been held since.`,
    question: (s) => `is the ${lower(s)} still held every year`,
  },
  {
    subject: (_rng, n) => `${n.place} Island`,
    intro: (s, n) => `${s} is a small island off ${n.region}, with about ${n.n * 20} inhabitants.`,
    yes: () => "A bridge connects it to the mainland, so cars can drive across.",
    no: () => "It can be reached by ferry alone, since the channel is too wide for a bridge.",
    question: (s) => `can you drive to ${lower(s)} from the mainland`,
    inverse: (s) => `can ${lower(s)} only be reached by boat`,
  },
  {
    subject: (rng) =>
      `${rng.pick(["mountain", "silver", "hairy", "dwarf", "marsh"])} ${rng.pick(["violet", "sorrel", "bellflower", "clover"])}`,
    intro: (s) => `The ${s} is a flowering plant that grows on rocky hillsides.`,
    yes: () => "It is not poisonous: its leaves are safe to eat and are often added to salads.",
    no: () => "All parts of the plant are poisonous.",
    question: (s) => `is the ${s} safe to eat`,
    inverse: (s) => `is the ${s} poisonous`,
  },
  {
    subject: (_rng, n) => `${n.place}ball`,
    intro: (s) => `${s} is a team game played on a grass field with a small leather ball.`,
    yes: () =>
      "Unlike in football, players are not limited to their feet and may pick up the ball and run with it.",
    no: () => "Players may not touch the ball with their hands at any time.",
    question: (s) => `can players carry the ball in their hands in ${lower(s)}`,
  },
  {
    subject: (_rng, n) => `${n.place} Castle`,
    intro: (s, n) => `${s} was built in ${n.year} to guard the river crossing at ${n.town}.`,
    yes: () =>
      "It is no longer a private home: today it is open to the public, with guided tours every weekend.",
    no: () => "It is privately owned and is not open to the public.",
    question: (s) => `can the public visit ${lower(s)}`,
  },
  {
    subject: (_rng, n) => `Mount ${n.place}`,
    intro: (s, n) => `${s} is the highest peak in ${n.region}, at ${n.n * 50 + 1500} metres.`,
    yes: (_s, n) => `Its summit was first reached by climbers in ${n.year2}.`,
    no: () => "Nobody has ever reached its summit, because the final ridge is too dangerous.",
    question: (s) => `has anyone climbed to the top of ${lower(s)}`,
  },
  {
    subject: (_rng, n) => `${n.place}ish`,
    intro: (s, n) => `${s} is a language spoken by about ${n.n} thousand people in ${n.region}.`,
    yes: () => "It is taught in local schools and used on road signs.",
    no: () => "It has disappeared from schools, and today mainly older people speak it.",
    question: (s) => `is ${lower(s)} taught in schools`,
  },
  {
    subject: (rng, n) => `${rng.pick(["The", "Welcome to", "Rooms at", "Summer at"])} ${n.place} House`,
    intro: (s) => `${s} is a television comedy set in a small hotel by the sea.`,
    yes: () => "A second series was made after the first one became popular.",
    no: () => "The show ended after a single series of six episodes.",
    question: (s) => `was there a second series of ${lower(s)}`,
  },
  {
    subject: (rng) =>
      `${rng.pick(["sand", "striped", "pale", "long-eared", "pygmy"])} ${rng.pick(["jerboa", "shrew", "vole", "hare"])}`,
    intro: (s) => `The ${s} is a small mammal that lives in dry grasslands.`,
    yes: () => "It sleeps during the day and comes out to feed at night.",
    no: () => "It is active during the day and sleeps in its burrow at night.",
    question: (s) => `is the ${s} active at night`,
    inverse: (s) => `does the ${s} sleep at night`,
  },
  {
    subject: (_rng, n) => `the ${n.town} Bridge`,
    intro: (s, n) => `${s.charAt(0).toUpperCase()}${s.slice(1)} crosses the river ${n.place} near its mouth.`,
    yes: () => "Drivers pay a small toll each time they cross.",
    no: (_s, n) => `It has been free to cross since the toll was removed in ${n.year2}.`,
    question: (s) => `do drivers have to pay a toll on ${lower(s)}`,
    inverse: (s) => `is ${lower(s)} free to cross`,
  },
  {
    subject: (_rng, n) => `${n.place} Academy`,
    intro: (s, n) => `${s} is a secondary school in the centre of ${n.town}.`,
    yes: () => "Pupils may not dress as they like: all wear a blue uniform with the school badge.",
    no: () => "Pupils do not wear a uniform and may dress as they like.",
    question: (s) => `do pupils at ${lower(s)} wear a uniform`,
  },
  {
    subject: (_rng, n) => `Mount ${n.town2}`,
    intro: (s, n) => `${s} is a volcano on ${n.place} Island.`,
    yes: (_s, n) => `It is still active and last erupted in ${n.year2}.`,
    no: () => "It is extinct; its last eruption was thousands of years ago.",
    question: (s) => `is ${lower(s)} an active volcano`,
    inverse: (s) => `is ${lower(s)} extinct`,
  },
  {
    subject: (rng, n) =>
      `${rng.pick(["The Winter", "A House", "The Road", "Letters", "Night"])} at ${n.place}`,
    intro: (s, n) => `${s} is a novel by the writer Anna ${n.town2}, published in ${n.year}.`,
    yes: () => "It won the national prize for fiction in the year it came out.",
    no: () => "It was poorly received, and the prize juries passed it over.",
    question: (s) => `did ${lower(s)} win a prize`,
  },
  {
    subject: (_rng, n) => `the river ${n.place}`,
    intro: (s, n) =>
      `${s.charAt(0).toUpperCase()}${s.slice(1)} flows for ${n.n * 4} kilometres from the hills to the sea.`,
    yes: (_s, n) => `Large boats can sail up it as far as ${n.town}.`,
    no: () => "It is too shallow for boats, even small ones, for most of its length.",
    question: (s) => `can boats sail on ${lower(s)}`,
  },
  {
    subject: (_rng, n) => `${n.place}'s Bakery`,
    intro: (s, n) => `${s} is a bakery on the high street in ${n.town}.`,
    yes: () => "It is open seven days a week, including Sundays.",
    no: () => "It is closed on Sundays and Mondays.",
    question: (s) => `is ${lower(s)} open on sundays`,
    inverse: (s) => `is ${lower(s)} closed on sundays`,
  },
]

/** Share of items, among frames that have one, that ask the inverse question. */
const inverseShare = 0.25

/**
 * Kinds of creature, each with features a passage can describe. A category item describes an invented creature
 * by some of its kind's features and asks whether it is of one kind: answering means recognising the kind
 * from the description.
 */
const kinds: ReadonlyArray<{ readonly kind: string; readonly features: ReadonlyArray<string> }> = [
  {
    kind: "bird",
    features: [
      "is covered in brown and white feathers",
      "has a short curved beak",
      "lays two speckled eggs in a nest of twigs",
      "can fly long distances on its narrow wings",
      "sings loudly at dawn from the tops of trees",
      "feeds its chicks on seeds and small insects",
    ],
  },
  {
    kind: "fish",
    features: [
      "breathes through gills",
      "is covered in small silver scales",
      "swims in shoals near the bottom of rivers",
      "has a long tail fin and two small side fins",
      "lays thousands of tiny eggs among the weeds under the water",
      "never leaves the water",
    ],
  },
  {
    kind: "mammal",
    features: [
      "is covered in thick grey fur",
      "feeds its young on milk",
      "gives birth to two or three live young each spring",
      "walks on four legs with padded paws",
      "has long whiskers and sharp front teeth",
      "sleeps in a burrow lined with dry grass",
    ],
  },
  {
    kind: "insect",
    features: [
      "has six thin legs",
      "has two pairs of see-through wings",
      "has a body in three parts with a hard shell",
      "has two long feelers on its head",
      "lives in a colony of thousands in a nest under the ground",
      "feeds on nectar from flowers",
    ],
  },
]

const categoryItem = (rng: Rng, label: YesNoLabel): { passage: string; question: string } => {
  const n = names(rng)
  const name = `${n.place.toLowerCase()}${rng.pick(["", "", "-tail", "-back", "-foot"])}`
  const truth = rng.pick(kinds)
  const [a, b, c] = rng.shuffle(truth.features)
  const asked = label === "yes" ? truth : rng.pick(kinds.filter((k) => k !== truth))
  return {
    passage:
      `The ${name} is a small creature found in ${n.region}. It ${a}, ${b} and ${c}. ${rng.pick(fillers)}`.trim(),
    question: `is the ${name} ${/^[aeiou]/.test(asked.kind) ? "an" : "a"} ${asked.kind}`,
  }
}

/** Share of items that are category items rather than facts stated in the passage. */
const categoryShare = 0.25

const frameItem = (frame: Frame, rng: Rng, label: YesNoLabel): { passage: string; question: string } => {
  const n = names(rng)
  const s = frame.subject(rng, n)
  const inverse = frame.inverse !== undefined && rng.next() < inverseShare
  // The fact that makes the asked question's answer `label`.
  const positive = (label === "yes") !== inverse
  const fact = positive ? frame.yes(s, n) : frame.no(s, n)
  return {
    passage: [frame.intro(s, n), fact, rng.pick(fillers)].join(" ").trim(),
    question: inverse ? frame.inverse!(s, n) : frame.question(s, n),
  }
}

const generate = (rng: Rng, label: YesNoLabel, count: number): Array<Omit<YesNoExample, "id">> => {
  const seen = new Set<string>()
  const out: Array<Omit<YesNoExample, "id">> = []
  for (let attempt = 0; out.length < count && attempt < count * 50; attempt++) {
    const { passage, question } =
      rng.next() < categoryShare
        ? categoryItem(rng, label)
        : frameItem(frames[attempt % frames.length]!, rng, label)
    if (seen.has(passage + question)) continue
    seen.add(passage + question)
    out.push({ passage, question, answer: label })
  }
  return out
}

/**
 * `size` (default 300) distinct built-in yes/no items, half "yes" and half "no" (the odd one "no"), shuffled.
 * The same seed always gives the same items and ids (`builtin-yesno-0000`, ...).
 */
export const builtinYesNoItems = (seed = 0, size = 300): ReadonlyArray<YesNoExample> => {
  const rng = makeRng(seed).fork("builtin-yesno")
  const yes = generate(rng.fork("yes"), "yes", Math.floor(size / 2))
  const no = generate(rng.fork("no"), "no", Math.ceil(size / 2))
  return rng
    .fork("order")
    .shuffle([...yes, ...no])
    .map((item, i) => ({ id: `builtin-yesno-${String(i).padStart(4, "0")}`, ...item }))
}
