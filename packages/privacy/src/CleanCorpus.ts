import { makeRng, type Rng } from "@lyceum/core"
import { FIRST_NAMES } from "./FirstNames.js"

/**
 * Lessons with nothing private in them, for measuring the filter's false positives: spam-like SMS, everyday
 * messages and sentences, in the lesson formats teachers send. They are deliberately full of things that look
 * like secrets without being any: prices, times, dates, years, short codes, percentages, counts, spelled-out
 * numbers, order references, public links, first names.
 */

const slots: Readonly<Record<string, (rng: Rng) => string>> = {
  money: (rng) =>
    `${rng.pick(["£", "$", "€"])}${rng.pick(["5", "10", "20", "50", "100", "250", "500", "900", "1000", "1500", "2000", "5000"])}`,
  shortcode: (rng) => String(60000 + rng.int(30000)),
  keyword: (rng) => rng.pick(["WIN", "CLAIM", "YES", "PRIZE", "GO", "FREE", "STOP", "JOIN", "PLAY"]),
  cost: (rng) =>
    rng.pick(["150p/msg", "£1.50 per msg", "25p per text", "Msg cost 50p", "£3 per week", "std rates apply"]),
  age: (rng) => rng.pick(["16+", "18+", "Over 18s only", "T&Cs apply"]),
  prize: (rng) =>
    rng.pick([
      "holiday for two",
      "new laptop",
      "pair of tickets",
      "gift card",
      "luxury cruise",
      "camera phone",
    ]),
  site: (rng) =>
    `${rng.pick(["www.", ""])}${rng.pick(["win", "prize", "deals", "offers", "claim"])}${rng.pick(["-now", "zone", "4u", "today", ""])}.${rng.pick(["com", "co.uk", "net", "info"])}${rng.pick(["", "/offers", "/win", "/terms"])}`,
  time: (rng) =>
    rng.pick([
      `${1 + rng.int(12)}:${rng.pick(["00", "15", "30", "45"])}`,
      `${1 + rng.int(12)}${rng.pick(["am", "pm"])}`,
      `${rng.int(24)}:${rng.pick(["05", "20", "40", "50"])}`,
      "noon",
      "half past six",
    ]),
  date: (rng) =>
    rng.pick([
      `${1 + rng.int(28)}/${1 + rng.int(12)}`,
      `${1 + rng.int(28)}/${1 + rng.int(12)}/${2020 + rng.int(7)}`,
      `${1 + rng.int(28)} ${rng.pick(["March", "June", "October", "December"])}`,
      `${rng.pick(["Monday", "Friday", "the weekend", "next Tuesday"])}`,
    ]),
  year: (rng) => String(1950 + rng.int(76)),
  count: (rng) => String(1 + rng.int(20)),
  big: (rng) => String(100 + rng.int(9900)),
  percent: (rng) => `${rng.pick(["10", "20", "25", "30", "50", "70"])}%`,
  ordinal: (rng) => rng.pick(["1st", "2nd", "3rd", "4th", "21st", "10th"]),
  spelled: (rng) => rng.pick(["one", "two", "three", "a couple of", "a dozen", "ten", "twenty", "a hundred"]),
  order: (rng) => `${rng.pick(["#", "no. ", "ref "])}${String(1000 + rng.int(90000))}`,
  room: (rng) =>
    `${rng.pick(["room", "gate", "platform", "flat", "table"])} ${1 + rng.int(40)}${rng.pick(["", "b", "A"])}`,
  name: (rng) => rng.pick(FIRST_NAMES),
  place: (rng) =>
    rng.pick(["the station", "the pub", "work", "the library", "town", "the park", "the gym", "uni"]),
  food: (rng) => rng.pick(["pizza", "curry", "pasta", "tacos", "sushi", "a roast", "soup"]),
  thing: (rng) => rng.pick(["charger", "umbrella", "bike", "laptop", "ladder", "tent", "book"]),
  topic: (rng) => rng.pick(["the rent", "the holiday", "the car", "the wedding", "the match", "the exam"]),
  score: (rng) => `${rng.int(6)}-${rng.int(6)}`,
  temp: (rng) => `${rng.int(35)} degrees`,
  distance: (rng) => `${1 + rng.int(50)} ${rng.pick(["miles", "km", "minutes"])}`,
}

const spam = [
  "URGENT! You have won a {prize}. Txt {keyword} to {shortcode} to claim. {cost} {age}",
  "FREE entry into our weekly draw for {money} cash. Reply {keyword} to {shortcode}. {cost}",
  "Congratulations! Your number was picked for a {money} reward. Visit {site} before {date}",
  "Last chance: {percent} off every order this weekend at {site}. {age}",
  "You have {count} unclaimed rewards worth {money}. Text {keyword} to {shortcode} now",
  "Your {ordinal} bonus of {money} is waiting! Go to {site} and claim by {time} today",
  "Hot deal: {spelled} free ringtones every week. Txt {keyword} to {shortcode}. {cost}",
  "Final notice: claim your {prize} from order {order} at {site} before {date}",
  "WINNER! As a valued customer you get {money} off. Reply {keyword}. {age} {cost}",
  "Get {percent} off your bills since {year}! Txt {keyword} to {shortcode} and save {money}",
]

const ham = [
  "Hey are we still on for {food} at {time}?",
  "I'll be at {place} in {distance}, save me a seat",
  "Can you pick up the {thing} on your way home? It's in {room}",
  "Happy birthday {name}! Hope {year} treats you well x",
  "Meeting moved to {time} on {date}, bring the notes",
  "We won {score} last night, {name} scored twice",
  "Train delayed again, should be home by {time}",
  "The party is on {date} from {time}, {spelled} people so far",
  "It's {temp} here, take a coat",
  "Did you call {name} back about {topic}?",
  "Order {order} has been dispatched and should arrive {date}",
  "Just paid {money} for {topic}, we're even now",
  "Got {count} tickets for {date}, row {count}, seats {count} and {count}",
  "{name} says the {thing} is back at {place}",
  "Mum's flight lands at {time}, terminal {count}",
]

const prose = [
  "The {ordinal} lesson covers how to spot a message that asks you to reply {keyword}.",
  "In {year} about {percent} of texts in the survey were marked as spam.",
  "A message that promises {money} for a reply is usually spam.",
  "Short codes such as {shortcode} often charge {cost} for each message.",
  "{spelled} of the {big} examples mention a prize, and most of them are spam.",
  "Messages from friends mention places like {place} and times like {time}.",
  "If a text asks you to visit {site} with a deadline of {date}, treat it with care.",
  "Our class met in {room} at {time} to practise with {count} examples.",
]

/** Wraps a message in one of the lesson formats a teacher sends (an example with its label, or plain). */
const asLesson = (rng: Rng, message: string, label: string): string =>
  rng.pick([`Text: ${message}\nClass: ${label}`, message, `${message} -> ${label}`])

const fill = (rng: Rng, template: string): string =>
  template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const slot = slots[key]
    if (slot === undefined) throw new Error(`CleanCorpus: unknown slot {${key}}`)
    return slot(rng)
  })

/** `count` clean lessons (a third spam-like, a third everyday messages, a third prose), seeded. */
export const cleanCorpus = (count: number, seed = 0): ReadonlyArray<string> => {
  const rng = makeRng(seed).fork("clean-corpus")
  return Array.from({ length: count }, (_, i) => {
    const kind = i % 3
    if (kind === 0) return asLesson(rng, fill(rng, rng.pick(spam)), "spam")
    if (kind === 1) return asLesson(rng, fill(rng, rng.pick(ham)), "not spam")
    return fill(rng, rng.pick(prose))
  })
}
