import { makeRng, type Rng } from "@lyceum/core"
import type { SpamExample, SpamLabel } from "./SpamExample.js"

/**
 * A built-in, seeded generator of SMS-like messages, written for Lyceum (not taken from any dataset), so the
 * spam task runs offline and in tests. Spam: prizes, claim numbers, premium lines, short codes, urgency,
 * subscriptions, phishing. Not spam: friends, family, work, plans, places and times, and a few legitimate
 * automated messages. Words such as "free", "call", "win", "txt", "code" and "claim" occur in both classes, so
 * the classes overlap in vocabulary and are not trivially separable.
 */

type Slot = ReadonlyArray<string> | ((rng: Rng) => string)

const digits = (rng: Rng, n: number): string => Array.from({ length: n }, () => String(rng.int(10))).join("")
const upperLetter = (rng: Rng): string => String.fromCharCode(65 + rng.int(26))

const slots: Record<string, Slot> = {
  // spam
  prize: [
    "£1000 cash prize",
    "£500 shopping voucher",
    "holiday for two in Spain",
    "brand new laptop",
    "£2000 bonus",
    "luxury cruise",
    "pair of concert tickets",
    "£250 gift card",
    "new camera phone",
    "week in Tenerife",
  ],
  money: ["£100", "£250", "£500", "£900", "£1000", "£1500", "£2000", "£5000", "$1000", "$500"],
  premium: (rng) => `09${digits(rng, 9)}`,
  shortcode: (rng) => `8${digits(rng, 4)}`,
  claimcode: (rng) => `${upperLetter(rng)}${upperLetter(rng)}${digits(rng, 2 + rng.int(3))}`,
  keyword: ["WIN", "CLAIM", "YES", "PRIZE", "GO", "FREE", "CASH", "PLAY", "DATE", "TONE", "JOIN", "STOP"],
  cost: [
    "£1.50 per msg",
    "150p/msg",
    "£3 per week",
    "Msg cost 50p",
    "Calls cost £1.50/min",
    "25p per text",
    "£4.50 per week until you send STOP",
  ],
  terms: ["T&Cs apply.", "T&C apply 18+ only.", "Over 18s only.", "Terms apply.", "Std rates apply.", ""],
  urgency: [
    "URGENT!",
    "Final notice:",
    "Last chance!",
    "Act now!",
    "IMPORTANT:",
    "Congratulations!",
    "You are a WINNER!",
  ],
  deadline: ["midnight tonight", "tomorrow", "the end of the week", "Friday", "5pm today"],
  service: ["bank", "PayPal", "Amazon", "Netflix", "mobile", "Royal Mail", "HMRC tax"],
  site: (rng) =>
    `${rng.pick(["secure-", "verify-", "my", "account-", "claim-"])}${rng.pick(["update", "login", "refund", "prize", "check"])}.${rng.pick(["com", "net", "co", "info"])}`,
  phone: ["iPhone", "Samsung Galaxy", "camera phone", "Nokia", "smartphone"],
  girl: ["Jess", "Kelly", "Amy", "Sophie", "Natalie", "Chloe", "Lucy"],
  count: (rng) => String(2 + rng.int(8)),
  percent: ["50%", "70%", "30%", "80%", "half"],
  // not spam
  name: [
    "Sam",
    "Alex",
    "Jo",
    "Mike",
    "Sarah",
    "Tom",
    "Priya",
    "Dan",
    "Emma",
    "Luke",
    "Hannah",
    "Raj",
    "Beth",
    "Chris",
    "Nina",
  ],
  hi: ["Hey", "Hi", "Hiya", "Morning", "Evening", "Oi", "Alright", "Hey you"],
  time: (rng) =>
    rng.pick([`${1 + rng.int(11)}`, `${1 + rng.int(11)}:${rng.pick(["15", "30", "45"])}`, "noon"]),
  ampm: ["", "", "pm", "am", "ish"],
  day: [
    "tomorrow",
    "tonight",
    "on Saturday",
    "on Sunday",
    "on Friday",
    "next week",
    "on Monday",
    "this weekend",
  ],
  activity: [
    "dinner",
    "the cinema",
    "drinks",
    "football",
    "the gym",
    "coffee",
    "the match",
    "lunch",
    "a walk",
    "bowling",
  ],
  place: [
    "the station",
    "Tesco",
    "the pub",
    "work",
    "the office",
    "uni",
    "the library",
    "mum's",
    "the park",
    "town",
    "the cafe on the corner",
    "the gym",
  ],
  minutes: ["5", "10", "15", "20", "30", "ten", "five"],
  grocery: ["milk", "wine", "bread", "eggs", "bin bags", "cat food", "pasta", "teabags", "bananas"],
  sport: ["football", "rugby", "cricket", "tennis", "darts", "snooker"],
  doc: ["report", "slides", "budget", "spreadsheet", "contract", "minutes", "invoice", "rota"],
  boss: ["Karen", "the boss", "Steve", "the client", "my manager", "Julie"],
  topic: [
    "the holiday",
    "the car",
    "the rent",
    "mum's birthday",
    "the wedding",
    "the flat",
    "work",
    "Saturday",
  ],
  thing: ["charger", "drill", "tent", "car", "ladder", "hair dryer", "bike", "umbrella", "laptop"],
  spot: ["mat", "plant pot", "bin", "flower pot", "big stone by the door"],
  chore: [
    "feed the cat",
    "lock the back door",
    "put the bins out",
    "water the plants",
    "turn the oven off",
    "take your keys",
  ],
  event: ["exam", "interview", "driving test", "race", "presentation", "first day", "audition"],
  show: ["that new drama", "the quiz show", "the final", "the documentary", "the news"],
  food: ["pizza", "curry", "chinese", "fish and chips", "a roast", "tacos", "sushi"],
  feeling: ["knackered", "starving", "so bored", "really tired", "a bit ill", "soaked", "freezing"],
  smallprize: ["a bottle of wine", "a meat raffle", "£20", "a hamper", "a teddy bear", "the pub quiz"],
  clinic: ["Riverside Dental", "the health centre", "Park Lane Surgery", "the opticians", "City Physio"],
  shop: ["Boots", "the chemist", "Argos", "the post office", "Currys"],
}

const spamTemplates: ReadonlyArray<string> = [
  "{urgency} You have won a {prize}. To claim call {premium} now. Claim code {claimcode}. {terms}",
  "{urgency} Your mobile number has been selected for a {money} prize. Call {premium} from a landline. Ref {claimcode}",
  "FREE entry into our weekly draw to win a {prize}. Txt {keyword} to {shortcode} to enter. {cost} {terms}",
  "You have been chosen to receive a {money} reward. Reply {keyword} to {shortcode} to claim. {cost}",
  "Your {service} account has been suspended. Verify your details at {site} within 24 hours to avoid closure.",
  "Hot singles near you want to chat tonight! Txt {keyword} to {shortcode} now. {cost} {terms}",
  "Want a new {phone} for FREE? Call {premium} today and upgrade at no cost. {terms}",
  "You are a winner! Text {keyword} to {shortcode} to collect your {prize}. {cost}",
  "{urgency} You have an unclaimed {money} cash prize. Call {premium} before {deadline}. Code {claimcode}",
  "Get the top {count} chart ringtones every week! Txt {keyword} to {shortcode}. {cost}. Txt STOP to end",
  "Hi its {girl}, I saw your profile and I want to meet up {day}. Call me on {premium} x {cost}",
  "Your loan of up to {money} has been approved. No credit checks! Reply {keyword} to {shortcode} now",
  "You have {count} new voicemails waiting. Please call {premium} to listen. {cost}",
  "Your bonus points are about to expire! You have {money} to spend. Call {premium} quoting {claimcode}. {terms}",
  "Thank you for subscribing to {service} alerts. You will be charged {cost}. To cancel txt STOP to {shortcode}",
  "Had your phone for 11 months or more? You are entitled to a FREE {phone} upgrade. Call {premium} {terms}",
  "{urgency} We tried to deliver your parcel {day}. Pay the {money} redelivery fee at {site}",
  "Guaranteed {money} cash or a {prize}! Just txt {keyword} to {shortcode} to claim. {terms}",
  "Dear customer, your {service} refund of {money} is ready. Claim it at {site} before {deadline}",
  "Win a {prize} this week! All you have to do is txt {keyword} to {shortcode}. {cost}",
  "{urgency} Call {premium} now to claim your {prize}. Your claim code is {claimcode}. Valid until {deadline}",
  "Fancy a chat? {girl} is waiting for your call now on {premium}. {cost} {terms}",
  "Save {percent} on your bills! Reply {keyword} to {shortcode} and we will call you back free",
  "Congratulations on being a loyal customer! You have won a {prize}. Txt {keyword} to {shortcode} to claim",
  "Your number won the {money} draw! To get your prize call {premium}. Lines close {deadline}. {terms}",
  "FREE message: you have been pre-approved for a credit card with a {money} limit. Reply {keyword} to {shortcode}",
  "Cash in now! Your {money} bonus is waiting. Go to {site} and enter code {claimcode}",
  "Don't miss out! Get {percent} off a {prize} today only. Txt {keyword} to {shortcode}. {cost}",
]

const hamTemplates: ReadonlyArray<string> = [
  "{hi} are we still on for {activity} {day}?",
  "I'll be there in {minutes} minutes, just leaving {place} now",
  "Can you pick up {grocery} on your way home?",
  "Happy birthday {name}! Hope you have a lovely day x",
  "Running late, stuck in traffic. Start without me",
  "Did you see the {sport} last night? What a finish",
  "Mum says dinner is at {time}{ampm}, don't be late",
  "Meeting moved to {time}{ampm} in room {count}. Can you bring the {doc}?",
  "Call me when you get this, it's about {topic}",
  "We won {smallprize} at the quiz last night haha",
  "Are you free {day}? Thinking of going to {place}",
  "Text me when you're home safe x",
  "The {thing} is free this weekend if you want to borrow it",
  "Sorry I missed your call, I was in a meeting. Will ring you back at {time}",
  "Good luck with your {event} {day}! You'll be great",
  "Ok see you at {place} at {time}{ampm}",
  "Have you finished the {doc} yet? {boss} wants it {day}",
  "lol that's so funny, {name} told me the same thing",
  "Just got the tickets for {day}, it's going to be amazing",
  "Can I borrow your {thing} {day}? Mine is broken",
  "The train is delayed again, should be home by {time}",
  "Remember to {chore} before you go out",
  "We need to talk about {topic} when you have a minute",
  "Thanks for dinner last night, it was lovely",
  "I've left the keys under the {spot}",
  "Your appointment at {clinic} is confirmed for {day} at {time}{ampm}. Reply to this number to cancel",
  "Your prescription is ready to collect from {shop}",
  "{hi}, fancy {food} {day}? My treat",
  "I'm {feeling}, going to bed early. Talk {day}",
  "Did you win anything on the raffle? {name} got {smallprize}",
  "Can you call {name} back? She tried you twice",
  "I'm at {place}, where are you?",
  "Don't forget we've got {activity} with {name} {day}",
  "Watching {show}, it's brilliant. Call you after",
  "Free {day}? We could go for {activity} if the weather holds",
  "No worries, take your time. I'll wait at {place}",
  "{name} says thanks for the lift, she owes you one",
  "Got your message, the code for the gate is {count}{count}{count}{count}",
  "Txt me the address and I'll meet you there at {time}",
  "Sorry can't make {activity} {day}, {feeling}. Next time?",
  "Who's bringing {grocery}? I've got the {food}",
  "Your parcel from {shop} will be delivered {day} between {time} and {count}pm",
  "Just checking you got home ok last night",
  "The boiler is playing up again, can you ring the landlord?",
  "Won't be home for {activity}, {boss} needs me to stay late",
  "Claim your seat early, the {event} starts at {time}!",
]

const fill = (template: string, rng: Rng): string =>
  template
    .replace(/\{(\w+)\}/g, (_, key: string) => {
      const slot = slots[key]
      if (slot === undefined) throw new Error(`SpamData: unknown slot {${key}}`)
      return typeof slot === "function" ? slot(rng) : rng.pick(slot)
    })
    .replace(/\s+/g, " ")
    .trim()

const generateClass = (
  rng: Rng,
  templates: ReadonlyArray<string>,
  label: SpamLabel,
  count: number,
): Array<Omit<SpamExample, "id">> => {
  const seen = new Set<string>()
  const out: Array<Omit<SpamExample, "id">> = []
  // Cycle through the templates so every template is used, then fill slots at random; skip exact repeats.
  for (let attempt = 0; out.length < count && attempt < count * 50; attempt++) {
    const text = fill(templates[attempt % templates.length]!, rng)
    if (seen.has(text)) continue
    seen.add(text)
    out.push({ text, label })
  }
  return out
}

/**
 * `size` (default 600) distinct built-in SMS examples, half "spam" and half "not spam", shuffled. The same seed
 * always gives the same items and ids (`builtin-spam-0000`, ...).
 */
export const builtinSpamItems = (seed = 0, size = 600): ReadonlyArray<SpamExample> => {
  const rng = makeRng(seed).fork("builtin-spam")
  const spam = generateClass(rng.fork("spam"), spamTemplates, "spam", Math.floor(size / 2))
  const ham = generateClass(rng.fork("not spam"), hamTemplates, "not spam", Math.ceil(size / 2))
  return rng
    .fork("order")
    .shuffle([...spam, ...ham])
    .map((item, i) => ({ id: `builtin-spam-${String(i).padStart(4, "0")}`, ...item }))
}
