import { makeRng, type Rng } from "@lyceum/core"

/**
 * Everyday text messages for the sim model's background corpus, generated from templates written for Lyceum
 * (separate from any task's data): friends, family, work, plans, places and times.
 */

const slots: Record<string, ReadonlyArray<string>> = {
  who: [
    "Mum",
    "Dad",
    "Grandma",
    "Uncle Pete",
    "Auntie Jan",
    "your brother",
    "my sister",
    "the kids",
    "Lisa",
    "Omar",
  ],
  friend: ["Katie", "Josh", "Mel", "Ade", "Rosie", "Ollie", "Zara", "Ben", "Maria", "Kev", "Ellie", "Ravi"],
  when: [
    "tonight",
    "tomorrow",
    "later",
    "at the weekend",
    "on Tuesday",
    "on Thursday",
    "after work",
    "in the morning",
    "next Friday",
    "this afternoon",
  ],
  clock: [
    "six",
    "seven",
    "half seven",
    "eight",
    "nine",
    "half two",
    "ten",
    "quarter past five",
    "noon",
    "four",
  ],
  where: [
    "the chip shop",
    "the bus stop",
    "the car park",
    "Nan's house",
    "the big Sainsbury's",
    "the swimming pool",
    "the train station",
    "the market",
    "the school gate",
    "the pub on the corner",
  ],
  plan: [
    "go for a curry",
    "watch the game",
    "walk the dog",
    "go swimming",
    "see a film",
    "have a barbecue",
    "go shopping",
    "play tennis",
    "visit Nan",
    "go to the beach",
  ],
  item: [
    "jumper",
    "phone charger",
    "umbrella",
    "glasses",
    "wallet",
    "keys",
    "scarf",
    "headphones",
    "library book",
  ],
  food: ["pizza", "lasagne", "soup", "burgers", "a salad", "roast chicken", "stir fry", "beans on toast"],
  mood: ["tired", "excited", "fed up", "happy", "nervous", "hungry", "sleepy", "stressed"],
  work: ["the report", "the presentation", "the meeting", "the new project", "the spreadsheet", "the rota"],
  weather: ["raining", "freezing", "lovely and sunny", "really windy", "snowing", "so hot"],
  n: ["two", "three", "four", "five", "ten", "twenty"],
}

const templates: ReadonlyArray<string> = [
  "Hi {who}, I'll be home {when}. Do you want me to bring anything?",
  "Are you still up for {plan} {when}?",
  "Meet you at {where} at {clock}?",
  "I think I left my {item} at yours. Can you check?",
  "What are we having for tea? I fancy {food}",
  "Feeling {mood} today. Can't wait for the weekend",
  "Have you finished {work}? We need it {when}",
  "It's {weather} here. Take a coat!",
  "{friend} is coming round {when}, is that ok?",
  "Sorry, running {n} minutes late. Save me a seat",
  "Can you ring {who} back? It's nothing urgent",
  "Don't forget {who}'s birthday {when}",
  "We should {plan} {when} if you're free",
  "Just got to {where}. Where are you?",
  "Thanks for today, I had a really nice time",
  "I'm making {food} {when}, do you want some?",
  "The meeting about {work} has moved to {clock}",
  "Can you pick the kids up from {where} at {clock}?",
  "Good night, speak {when} x",
  "Did {friend} get home ok?",
  "Is it still {weather} where you are?",
  "I'm so {mood}, I could sleep for a week",
  "Have fun {when}! Send me a photo",
  "Leaving now, see you at {where} in {n} minutes",
  "Let me know when you've read {work} and we'll talk",
  "{friend} says hi and wants to {plan} {when}",
  "Who wants to {plan}? I'm going {when}",
  "Got your message. Yes, {clock} is fine",
  "Please can you put the bins out {when}?",
  "Any chance you could lend me your {item} {when}?",
  "Well done on {work}, {who} was really pleased",
  "We're at {where}, come and find us",
  "Lovely to see you {when}, let's do it again soon",
  "Can we move {plan} to {when}? Something came up",
  "Bring your {item}, it's {weather} out",
]

const fill = (template: string, rng: Rng): string =>
  template.replace(/\{(\w+)\}/g, (_, key: string) => rng.pick(slots[key] ?? [key]))

/** `count` generated messages, one per line; the same seed gives the same text. */
export const corpusMessages = (seed: number, count: number): string => {
  const rng = makeRng(seed).fork("corpus-messages")
  return Array.from({ length: count }, (_, i) => fill(templates[i % templates.length]!, rng)).join("\n")
}
