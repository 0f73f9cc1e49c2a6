import { makeRng, type Rng } from "@lyceum/core"
import type { ClozeExample } from "./ClozeExample.js"

/**
 * A built-in, seeded generator of LAMBADA-style passages, written for Lyceum (not taken from any dataset), so
 * the cloze task runs offline and in tests. Each passage is a few sentences whose last word is predictable
 * from the passage, as in LAMBADA: mostly an everyday object that the passage mentions earlier or describes
 * (where it is kept, what it is for), sometimes a person named earlier. Frames, objects, people and places are
 * combined at random, so the same answer word ends passages of different shapes; objects are drawn with
 * Zipf-like frequencies, so some answers recur often and many rarely.
 */

interface Thing {
  readonly word: string
  /** "a" or "an". */
  readonly article: string
  /** Where it is usually kept, after "in the" / "on the". */
  readonly place: string
  /** What it is for, after "to". */
  readonly use: string
  /** A sentence that sets the scene for needing it. */
  readonly scene: string
}

const things: ReadonlyArray<Thing> = [
  {
    word: "umbrella",
    article: "an",
    place: "stand by the front door",
    use: "keep the rain off",
    scene: "Dark clouds rolled in and the first heavy drops of rain began to fall.",
  },
  {
    word: "kettle",
    article: "a",
    place: "kitchen by the sink",
    use: "boil water for tea",
    scene: "Everyone came in cold from the garden and wanted a hot cup of tea.",
  },
  {
    word: "ladder",
    article: "a",
    place: "garage behind the car",
    use: "reach the top shelf",
    scene: "The ball was stuck in the gutter, far too high to reach from the ground.",
  },
  {
    word: "torch",
    article: "a",
    place: "drawer under the stairs",
    use: "see in the dark",
    scene: "The lights went out all over the street and the house was completely dark.",
  },
  {
    word: "blanket",
    article: "a",
    place: "chest at the end of the bed",
    use: "keep warm at night",
    scene: "The heating had broken and the bedroom was freezing cold.",
  },
  {
    word: "hammer",
    article: "a",
    place: "toolbox in the shed",
    use: "knock the nails into the wall",
    scene: "The new picture frame needed two nails in the wall before it could be hung.",
  },
  {
    word: "bicycle",
    article: "a",
    place: "shed at the bottom of the garden",
    use: "ride to work",
    scene: "The buses were on strike again, and work was four miles away.",
  },
  {
    word: "camera",
    article: "a",
    place: "bag by the desk",
    use: "take pictures",
    scene: "The sunset over the bay was so beautiful that it had to be photographed.",
  },
  {
    word: "guitar",
    article: "a",
    place: "corner of the living room",
    use: "play some songs",
    scene: "The friends sat round the fire and someone asked for music.",
  },
  {
    word: "passport",
    article: "a",
    place: "drawer of the desk",
    use: "get through the border",
    scene: "The flight to Lisbon left at six, and the queue for the passport check was already long.",
  },
  {
    word: "map",
    article: "a",
    place: "glove box of the car",
    use: "find the way",
    scene: "The phone had no signal out on the moor and none of the paths had signs.",
  },
  {
    word: "spade",
    article: "a",
    place: "shed next to the lawn mower",
    use: "dig the vegetable bed",
    scene: "It was time to plant the potatoes, and the ground was still hard.",
  },
  {
    word: "paintbrush",
    article: "a",
    place: "jar on the shelf in the shed",
    use: "paint the fence",
    scene: "The old fence had turned grey, and the new tin of paint was already open.",
  },
  {
    word: "candle",
    article: "a",
    place: "box on the mantelpiece",
    use: "light the room",
    scene: "The storm had cut the power and the only light came from the window.",
  },
  {
    word: "kite",
    article: "a",
    place: "cupboard in the hall",
    use: "fly on the hill",
    scene: "It was a windy afternoon, perfect for the park on the hill.",
  },
  {
    word: "saucepan",
    article: "a",
    place: "cupboard under the cooker",
    use: "cook the soup",
    scene: "The vegetables were chopped and the soup was ready to be made.",
  },
  {
    word: "wallet",
    article: "a",
    place: "pocket of the old coat",
    use: "pay for the shopping",
    scene: "The shopping came to forty pounds and the cashier was waiting.",
  },
  {
    word: "key",
    article: "a",
    place: "bowl by the back door",
    use: "open the front door",
    scene: "The front door had slammed shut in the wind and was locked.",
  },
  {
    word: "towel",
    article: "a",
    place: "cupboard next to the bath",
    use: "dry off after swimming",
    scene: "The water in the lake was cold, and after the swim everyone was shivering and wet.",
  },
  {
    word: "clock",
    article: "a",
    place: "living room on the mantelpiece",
    use: "tell the time",
    scene: "Nobody was wearing a watch and the train was due soon.",
  },
  {
    word: "tent",
    article: "a",
    place: "loft above the landing",
    use: "sleep under the stars",
    scene: "The campsite by the river had a free pitch for the weekend.",
  },
  {
    word: "pillow",
    article: "a",
    place: "spare room on the bed",
    use: "rest a sore head",
    scene: "After the long journey there was nothing better than lying down for a sleep.",
  },
  {
    word: "mirror",
    article: "a",
    place: "bathroom above the basin",
    use: "check the new haircut",
    scene: "The new haircut was very short and had to be looked at from every side.",
  },
  {
    word: "oven",
    article: "an",
    place: "kitchen below the hob",
    use: "bake the bread",
    scene: "The dough had risen and was ready to be baked.",
  },
  {
    word: "telescope",
    article: "a",
    place: "attic by the window",
    use: "look at the moon",
    scene: "The night was clear and the moon was full and bright.",
  },
  {
    word: "basket",
    article: "a",
    place: "porch by the boots",
    use: "carry the apples",
    scene: "The apple tree was heavy with fruit and the apples had to be picked.",
  },
  {
    word: "stapler",
    article: "a",
    place: "top drawer of the office desk",
    use: "fix the pages together",
    scene: "The report had forty loose pages that kept falling on the floor.",
  },
  {
    word: "thermometer",
    article: "a",
    place: "medicine cabinet",
    use: "check the fever",
    scene: "The little boy felt hot and said his head hurt.",
  },
  {
    word: "radio",
    article: "a",
    place: "kitchen on the windowsill",
    use: "hear the football results",
    scene: "The match was not on television, but everyone wanted to know the score.",
  },
  {
    word: "suitcase",
    article: "a",
    place: "cupboard on the landing",
    use: "pack the clothes for the trip",
    scene: "The holiday started in the morning and nothing had been packed.",
  },
  {
    word: "broom",
    article: "a",
    place: "cupboard by the back door",
    use: "sweep the kitchen floor",
    scene: "Someone had dropped a bag of flour and it was all over the kitchen floor.",
  },
  {
    word: "jacket",
    article: "a",
    place: "cupboard in the hall",
    use: "keep out the wind",
    scene: "The wind off the sea was bitter and the walk home was long.",
  },
]

interface Person {
  readonly name: string
  readonly they: string
  readonly them: string
  readonly their: string
}

const person = (name: string, pronoun: "he" | "she"): Person =>
  pronoun === "he"
    ? { name, they: "he", them: "him", their: "his" }
    : { name, they: "she", them: "her", their: "her" }

const people: ReadonlyArray<Person> = [
  person("Anna", "she"),
  person("Ben", "he"),
  person("Clara", "she"),
  person("David", "he"),
  person("Ellen", "she"),
  person("Frank", "he"),
  person("Grace", "she"),
  person("Harry", "he"),
  person("Isla", "she"),
  person("Jack", "he"),
  person("Kate", "she"),
  person("Leo", "he"),
  person("Maya", "she"),
  person("Noah", "he"),
  person("Olivia", "she"),
  person("Peter", "he"),
  person("Rosa", "she"),
  person("Sam", "he"),
  person("Tessa", "she"),
  person("Victor", "he"),
]

const relatives: ReadonlyArray<readonly [string, string]> = [
  ["grandmother", "her"],
  ["grandfather", "his"],
  ["aunt", "her"],
  ["uncle", "his"],
]
const vehicles = ["bus", "train", "ferry", "tram", "night coach"]
const days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
const years = ["ten", "twenty", "thirty", "forty", "fifty"]

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1)

interface Frame {
  /** The passage without its last word, and that word. */
  readonly make: (rng: Rng) => { readonly context: string; readonly word: string }
}

/** Two different people. */
const twoPeople = (rng: Rng): readonly [Person, Person] => {
  const a = rng.pick(people)
  let b = rng.pick(people)
  while (b.name === a.name) b = rng.pick(people)
  return [a, b]
}

/** Zipf-like weights (rank^-0.6): a few things are common and most are rare, as words are in text. */
const thingWeights = things.map((_, rank) => (rank + 1) ** -0.6)
const thingWeightTotal = thingWeights.reduce((a, b) => a + b, 0)

const pickThing = (rng: Rng): Thing => {
  let r = rng.next() * thingWeightTotal
  for (let i = 0; i < things.length; i++) {
    r -= thingWeights[i]!
    if (r < 0) return things[i]!
  }
  return things.at(-1)!
}

const thingFrame =
  (write: (t: Thing, p: Person, q: Person, rng: Rng) => string): Frame["make"] =>
  (rng) => {
    const t = pickThing(rng)
    const [p, q] = twoPeople(rng)
    return { context: write(t, p, q, rng), word: t.word }
  }

const frames: ReadonlyArray<Frame> = [
  {
    make: thingFrame(
      (t, p) =>
        `${p.name} could not find ${p.their} ${t.word} anywhere. ${capitalise(p.they)} searched the car, the garden and every coat pocket before finding it in the ${t.place}. ${t.scene} After all that trouble, ${p.they} promised never again to lose the`,
    ),
  },
  {
    make: thingFrame(
      (t, p) =>
        `When ${p.name} moved into the new flat, ${p.they} unpacked everything except the ${t.word}, which stayed in a box for weeks. ${t.scene} ${capitalise(p.they)} needed to ${t.use}, so at last ${p.they} opened the box and took out the`,
    ),
  },
  {
    make: thingFrame(
      (t, p, q) =>
        `${p.name} asked ${q.name} for something to ${t.use}. ${q.name} went next door and came back ten minutes later with a borrowed ${t.word} from the ${t.place}. "Perfect," said ${p.name}, taking the`,
    ),
  },
  {
    make: thingFrame(
      (t, p, q) =>
        `There was only one ${t.word} in the whole house, and that evening everyone wanted it at once. ${p.name} needed it to ${t.use}, and so did ${q.name}. In the end they agreed to take turns with the`,
    ),
  },
  {
    make: thingFrame((t, _p, _q, rng) => {
      const [relative, their] = rng.pick(relatives)
      return `My ${relative} kept ${their} old ${t.word} in the ${t.place} for ${rng.pick(years)} years. When it was finally given to me, I was told to use it to ${t.use} and always to look after the`
    }),
  },
  {
    make: thingFrame(
      (t, p) => `${t.scene} ${p.name} had to ${t.use}, so ${p.they} went straight to the ${t.place} for the`,
    ),
  },
  {
    make: thingFrame(
      (t, p, _q, rng) =>
        `At the lost property office the queue was long. ${p.name} explained that ${p.they} had left ${p.their} ${t.word} on the ${rng.pick(vehicles)} on ${rng.pick(days)} and could no longer ${t.use}. The clerk went into the back room and came out holding ${t.article}`,
    ),
  },
  {
    make: thingFrame(
      (t, p) =>
        `${p.name}'s old ${t.word} finally broke, so ${p.they} could not ${t.use} any more and went into town to buy a new one. The shop had a dozen kinds, and after an hour of choosing ${p.they} went home with the cheapest`,
    ),
  },
  {
    make: thingFrame(
      (t) =>
        `It is kept in the ${t.place}. You use it when you want to ${t.use}. ${t.scene} Nobody in the house can do without the`,
    ),
  },
  {
    make: thingFrame(
      (t, p, q) =>
        `"Have you seen my ${t.word}?" ${p.name} asked. "I need it to ${t.use}." ${q.name} pointed to the ${t.place} without looking up. "Where it always is. Next time, put back the`,
    ),
  },
  {
    make: (rng) => {
      const [a, b] = twoPeople(rng)
      return {
        context: `${a.name} and ${b.name} had been friends since school. When ${a.name} moved abroad, ${b.name} wrote every week. Years later ${a.name} finally came home, and the first person ${a.they} went to see was ${a.their} old friend`,
        word: b.name,
      }
    },
  },
  {
    make: (rng) => {
      const [a, b] = twoPeople(rng)
      const t = pickThing(rng)
      return {
        context: `${a.name} lent ${t.article} ${t.word} to ${b.name}, and weeks went by without it coming back. On ${rng.pick(days)} ${a.name} knocked on the door and asked for it back from`,
        word: b.name,
      }
    },
  },
]

/**
 * `size` (default 400) distinct built-in cloze passages, frames used in turn, slots filled at random, shuffled.
 * The same seed always gives the same items and ids (`builtin-cloze-0000`, ...).
 */
export const builtinClozeItems = (seed = 0, size = 400): ReadonlyArray<ClozeExample> => {
  const rng = makeRng(seed).fork("builtin-cloze")
  const seen = new Set<string>()
  const out: Array<Omit<ClozeExample, "id">> = []
  for (let attempt = 0; out.length < size && attempt < size * 50; attempt++) {
    const passage = frames[attempt % frames.length]!.make(rng)
    const key = `${passage.context} ${passage.word}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push(passage)
  }
  return rng
    .fork("order")
    .shuffle(out)
    .map((item, i) => ({ id: `builtin-cloze-${String(i).padStart(4, "0")}`, ...item }))
}
