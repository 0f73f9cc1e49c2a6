import type { BuiltinCultureId, CultureInfo } from "./Culture.js"

/**
 * Lyceum's cultural facts, written for Lyceum from general knowledge (no dataset text). Only well-established
 * facts: driving side, currency, date order, units, major festivals, staple foods, languages and the like.
 * Every fact sentence ends with its answer, so it reads naturally as a statement and as a cloze stem.
 *
 * Three shapes of table, all expanded into `CulturalFact`s by `CulturalFacts.ts`:
 * - attributes: one sentence template and a value per culture; the other cultures' values (and `extra`
 *   values) are the distractors, except those listed in a value's `alsoTrue` (true or too close to true
 *   there) or in `neverDistract`;
 * - country facts: a custom or thing, and the culture it belongs to; the other cultures are the distractors,
 *   except `notIn`;
 * - single facts: one culture's sentence with hand-picked wrong alternatives.
 */

export interface AttributeValue {
  readonly answer: string
  /** Values of this attribute that are also true (or arguably so) for this culture: never distractors here. */
  readonly alsoTrue?: ReadonlyArray<string>
}

export interface Attribute {
  readonly key: string
  readonly topic: string
  /** The fact sentence with `___` for the value, at its end. */
  readonly sentence: (culture: CultureInfo) => string
  readonly question: (culture: CultureInfo) => string
  readonly values: Partial<Record<BuiltinCultureId, string | AttributeValue>>
  /** Other accepted forms of each value. */
  readonly aliases?: Readonly<Record<string, ReadonlyArray<string>>>
  /** Distractors that are no culture's value. */
  readonly extra?: ReadonlyArray<string>
  /** Values never used as distractors (true in too many places to be safely false). */
  readonly neverDistract?: ReadonlyArray<string>
}

export interface CountryFact {
  readonly key: string
  readonly topic: string
  readonly culture: BuiltinCultureId
  /** The fact sentence with `___` for the country, at its end. */
  readonly sentence: string
  readonly question: string
  /** Cultures where the sentence would also be (arguably) true: never distractors. */
  readonly notIn?: ReadonlyArray<BuiltinCultureId>
}

export interface SingleFact {
  readonly key: string
  readonly topic: string
  readonly culture: BuiltinCultureId
  readonly sentence: string
  readonly question: string
  readonly answer: string
  readonly aliases?: ReadonlyArray<string>
  readonly distractors: ReadonlyArray<string>
}

const onJanuaryFirst = "on January 1"

export const attributes: ReadonlyArray<Attribute> = [
  {
    key: "driving-side",
    topic: "driving side",
    sentence: (c) => `In ${c.name}, people drive on the ___.`,
    question: (c) => `On which side of the road do people drive in ${c.name}?`,
    values: {
      us: "right",
      china: "right",
      india: "left",
      iran: "right",
      kenya: "left",
      japan: "left",
      brazil: "right",
      germany: "right",
    },
    aliases: {
      right: ["right side", "right-hand side", "right hand side", "right side of the road"],
      left: ["left side", "left-hand side", "left hand side", "left side of the road"],
    },
  },
  {
    key: "steering-wheel",
    topic: "driving side",
    sentence: (c) => `In ${c.name}, cars have the steering wheel on the ___.`,
    question: (c) => `In ${c.name}, on which side of a car is the steering wheel?`,
    values: {
      us: "left",
      china: "left",
      india: "right",
      iran: "left",
      kenya: "right",
      japan: "right",
      brazil: "left",
      germany: "left",
    },
    aliases: { right: ["right side", "right-hand side"], left: ["left side", "left-hand side"] },
  },
  {
    key: "currency",
    topic: "currency",
    sentence: (c) => `The currency of ${c.name} is the ___.`,
    question: (c) => `What is the currency of ${c.name}?`,
    values: {
      us: "dollar",
      china: "yuan",
      india: "rupee",
      iran: "rial",
      kenya: "shilling",
      japan: "yen",
      brazil: "real",
      germany: "euro",
    },
    aliases: {
      dollar: ["US dollar", "U.S. dollar", "American dollar", "USD", "dollars"],
      yuan: ["renminbi", "RMB", "CNY", "Chinese yuan"],
      rupee: ["Indian rupee", "INR", "rupees"],
      rial: ["Iranian rial", "IRR", "rials"],
      shilling: ["Kenyan shilling", "KES", "shillings"],
      yen: ["Japanese yen", "JPY"],
      real: ["Brazilian real", "reais", "BRL"],
      euro: ["EUR", "euros"],
    },
  },
  {
    key: "date-order",
    topic: "date format",
    sentence: (c) => `In ${c.name}, dates are usually written in the order ___.`,
    question: (c) => `In which order are the parts of a date usually written in ${c.name}?`,
    values: {
      us: "month, day, year",
      china: "year, month, day",
      india: "day, month, year",
      iran: "year, month, day",
      kenya: "day, month, year",
      japan: "year, month, day",
      brazil: "day, month, year",
      germany: "day, month, year",
    },
    aliases: {
      "month, day, year": ["MM/DD/YYYY", "month-day-year", "month/day/year"],
      "day, month, year": ["DD/MM/YYYY", "DD.MM.YYYY", "day-month-year", "day/month/year"],
      "year, month, day": ["YYYY/MM/DD", "YYYY-MM-DD", "year-month-day", "year/month/day"],
    },
  },
  {
    key: "temperature-scale",
    topic: "units",
    sentence: (c) => `In ${c.name}, everyday temperatures are given in degrees ___.`,
    question: (c) => `Which scale is used for everyday temperatures in ${c.name}?`,
    values: {
      us: "Fahrenheit",
      china: "Celsius",
      india: "Celsius",
      iran: "Celsius",
      kenya: "Celsius",
      japan: "Celsius",
      brazil: "Celsius",
      germany: "Celsius",
    },
    aliases: { Celsius: ["centigrade", "°C"], Fahrenheit: ["°F"] },
    extra: ["Kelvin"],
  },
  {
    key: "road-distance",
    topic: "units",
    sentence: (c) => `Road signs in ${c.name} show distances in ___.`,
    question: (c) => `Which unit do road signs in ${c.name} use for distances?`,
    values: {
      us: "miles",
      china: "kilometres",
      india: "kilometres",
      iran: "kilometres",
      kenya: "kilometres",
      japan: "kilometres",
      brazil: "kilometres",
      germany: "kilometres",
    },
    aliases: { miles: ["mile", "mi"], kilometres: ["kilometers", "kilometre", "kilometer", "km"] },
  },
  {
    key: "body-weight",
    topic: "units",
    sentence: (c) => `In ${c.name}, body weight is usually given in ___.`,
    question: (c) => `Which unit is usually used for body weight in ${c.name}?`,
    values: {
      us: "pounds",
      china: "kilograms",
      india: "kilograms",
      iran: "kilograms",
      kenya: "kilograms",
      japan: "kilograms",
      brazil: "kilograms",
      germany: "kilograms",
    },
    aliases: { pounds: ["pound", "lbs", "lb"], kilograms: ["kilogram", "kilos", "kg"] },
    extra: ["stones"],
  },
  {
    key: "new-year",
    topic: "calendar and new year",
    sentence: (c) => `In ${c.name}, the main new year holiday is celebrated ___.`,
    question: (c) => `When is the main new year holiday celebrated in ${c.name}?`,
    values: {
      us: onJanuaryFirst,
      china: { answer: "in late January or February", alsoTrue: ["at the start of spring"] },
      iran: "at the start of spring",
      kenya: onJanuaryFirst,
      japan: onJanuaryFirst,
      brazil: onJanuaryFirst,
      germany: onJanuaryFirst,
    },
    aliases: {
      [onJanuaryFirst]: ["January 1", "1 January", "on 1 January", "January 1st", "on the first of January"],
      "in late January or February": [
        "late January or February",
        "in January or February",
        "at the Spring Festival",
      ],
      "at the start of spring": [
        "start of spring",
        "at the beginning of spring",
        "on the first day of spring",
        "at the spring equinox",
        "around March 21",
        "at Nowruz",
      ],
    },
  },
  {
    key: "greeting-word",
    topic: "greetings",
    sentence: (c) => `A common greeting in ${c.name} is ___.`,
    question: (c) => `Which of these is a common greeting in ${c.name}?`,
    values: {
      us: { answer: "hello", alsoTrue: ["hallo"] },
      china: "ni hao",
      india: { answer: "namaste", alsoTrue: ["salaam"] },
      iran: "salaam",
      kenya: { answer: "jambo", alsoTrue: ["salaam"] },
      japan: "konnichiwa",
      brazil: "olá",
      germany: "hallo",
    },
    aliases: {
      hello: ["hi", "hey"],
      "ni hao": ["nihao", "你好"],
      namaste: ["namaskar", "नमस्ते"],
      salaam: ["salam", "salaam alaikum", "salam aleykum", "as-salamu alaykum", "سلام"],
      jambo: ["hujambo", "habari"],
      konnichiwa: ["konnichi wa", "こんにちは"],
      olá: ["oi", "bom dia"],
      hallo: ["guten Tag", "moin", "servus"],
    },
    neverDistract: ["hello", "hallo"],
  },
  {
    key: "greeting-gesture",
    topic: "greetings",
    sentence: (c) => `In ${c.name}, people commonly greet each other by ___.`,
    question: (c) => `How do people commonly greet each other in ${c.name}?`,
    values: {
      us: "shaking hands",
      india: { answer: "pressing their palms together", alsoTrue: ["shaking hands", "bowing"] },
      kenya: "shaking hands",
      japan: { answer: "bowing", alsoTrue: ["shaking hands"] },
      brazil: { answer: "kissing on the cheek", alsoTrue: ["shaking hands"] },
      germany: { answer: "shaking hands", alsoTrue: ["kissing on the cheek"] },
    },
    aliases: {
      "shaking hands": ["a handshake", "handshake", "shaking hands with each other"],
      bowing: ["a bow", "bow"],
      "pressing their palms together": [
        "pressing palms together",
        "joining their palms",
        "folded hands",
        "namaste",
      ],
      "kissing on the cheek": ["a kiss on the cheek", "cheek kiss", "kissing each other on the cheek"],
    },
  },
  {
    key: "staple-food",
    topic: "staple foods",
    sentence: (c) => `A staple food eaten almost every day in ${c.name} is ___.`,
    question: (c) => `Which of these is a staple food eaten almost every day in ${c.name}?`,
    values: {
      china: { answer: "rice", alsoTrue: ["bread"] },
      india: { answer: "rice", alsoTrue: ["rice and beans", "bread"] },
      iran: { answer: "rice", alsoTrue: ["rice and beans", "bread"] },
      kenya: { answer: "ugali", alsoTrue: ["rice", "rice and beans", "bread"] },
      japan: { answer: "rice", alsoTrue: ["bread"] },
      brazil: { answer: "rice and beans", alsoTrue: ["rice", "bread", "couscous"] },
      germany: { answer: "bread", alsoTrue: ["potatoes"] },
    },
    aliases: {
      ugali: ["maize porridge", "maize meal", "cornmeal porridge"],
      "rice and beans": ["beans and rice", "rice with beans", "arroz e feijão"],
      rice: ["steamed rice", "white rice"],
      bread: ["Brot", "rye bread"],
    },
    extra: ["tortillas", "couscous"],
  },
  {
    key: "eating-utensils",
    topic: "meals and dining",
    sentence: (c) => `Traditionally, people in ${c.name} eat most meals with ___.`,
    question: (c) => `What do people in ${c.name} traditionally eat most meals with?`,
    values: {
      us: { answer: "a knife and fork", alsoTrue: ["a spoon and fork"] },
      china: "chopsticks",
      india: { answer: "their hands", alsoTrue: ["a spoon and fork"] },
      iran: { answer: "a spoon and fork", alsoTrue: ["a knife and fork", "their hands"] },
      japan: "chopsticks",
      brazil: { answer: "a knife and fork", alsoTrue: ["a spoon and fork"] },
      germany: { answer: "a knife and fork", alsoTrue: ["a spoon and fork"] },
    },
    aliases: {
      "a knife and fork": ["knife and fork", "fork and knife", "cutlery"],
      "a spoon and fork": ["spoon and fork", "fork and spoon"],
      "their hands": ["hands", "their right hand", "the right hand", "fingers", "their fingers"],
      chopsticks: ["a pair of chopsticks", "筷子", "箸"],
    },
  },
  {
    key: "main-meal",
    topic: "mealtimes",
    sentence: (c) => `Traditionally, the main meal of the day in ${c.name} is ___.`,
    question: (c) => `Which meal is traditionally the main meal of the day in ${c.name}?`,
    values: {
      us: "dinner",
      iran: { answer: "lunch", alsoTrue: ["dinner"] },
      brazil: "lunch",
      germany: "lunch",
    },
    aliases: {
      lunch: ["the midday meal", "midday meal"],
      dinner: ["the evening meal", "evening meal", "supper"],
    },
    extra: ["breakfast"],
  },
  {
    key: "guest-drink",
    topic: "drinks and hospitality",
    sentence: (c) => `The hot drink traditionally offered to guests in ${c.name} is ___.`,
    question: (c) => `Which hot drink is traditionally offered to guests in ${c.name}?`,
    values: {
      us: { answer: "coffee", alsoTrue: ["tea"] },
      china: { answer: "tea", alsoTrue: ["green tea"] },
      india: { answer: "tea", alsoTrue: ["coffee"] },
      iran: "tea",
      kenya: "tea",
      japan: { answer: "green tea", alsoTrue: ["tea"] },
      brazil: "coffee",
      germany: { answer: "coffee", alsoTrue: ["tea"] },
    },
    aliases: {
      tea: ["chai", "black tea", "milk tea"],
      "green tea": ["ocha", "sencha", "matcha"],
      coffee: ["cafezinho", "black coffee"],
    },
  },
  {
    key: "bride-colour",
    topic: "weddings",
    sentence: (c) => `At a traditional wedding in ${c.name}, the bride usually wears ___.`,
    question: (c) => `What colour does the bride usually wear at a traditional wedding in ${c.name}?`,
    values: {
      us: "white",
      china: "red",
      india: "red",
      iran: { answer: "white", alsoTrue: ["red"] },
      japan: { answer: "white", alsoTrue: ["red"] },
      brazil: "white",
      germany: "white",
    },
    aliases: {
      white: ["a white dress", "a white gown", "white clothes"],
      red: ["a red dress", "a red sari"],
    },
    extra: ["black"],
  },
  {
    key: "mourning-colour",
    topic: "funerals",
    sentence: (c) => `At funerals in ${c.name}, mourners traditionally wear ___.`,
    question: (c) => `What colour do mourners traditionally wear at funerals in ${c.name}?`,
    values: {
      us: "black",
      china: { answer: "white", alsoTrue: ["black"] },
      india: { answer: "white", alsoTrue: ["black"] },
      iran: "black",
      japan: { answer: "black", alsoTrue: ["white"] },
      brazil: "black",
      germany: "black",
    },
    aliases: {
      black: ["black clothes", "dark clothes", "black clothing"],
      white: ["white clothes", "white clothing"],
    },
    extra: ["red"],
  },
  {
    key: "restaurant-tipping",
    topic: "tipping",
    sentence: (c) => `In ${c.name}, leaving a tip in restaurants is ___.`,
    question: (c) => `How is leaving a tip in restaurants regarded in ${c.name}?`,
    values: { us: "expected", china: "not customary", japan: "not customary", germany: "expected" },
    aliases: {
      expected: ["customary", "usual", "normal", "common"],
      "not customary": ["not expected", "uncommon", "unusual", "rare", "not common", "not usual"],
    },
  },
  {
    key: "shoes-indoors",
    topic: "home customs",
    sentence: (c) => `When entering a home in ${c.name}, people usually ___.`,
    question: (c) => `What do people usually do with their shoes when entering a home in ${c.name}?`,
    values: {
      china: "take off their shoes",
      india: "take off their shoes",
      iran: "take off their shoes",
      japan: "take off their shoes",
    },
    aliases: {
      "take off their shoes": [
        "remove their shoes",
        "take their shoes off",
        "take shoes off",
        "remove shoes",
      ],
    },
    extra: ["keep their shoes on"],
  },
  {
    key: "largest-religion",
    topic: "religion",
    sentence: (c) => `The largest religion in ${c.name} is ___.`,
    question: (c) => `What is the largest religion in ${c.name}?`,
    values: {
      us: "Christianity",
      india: "Hinduism",
      iran: "Islam",
      kenya: "Christianity",
      japan: { answer: "Shinto", alsoTrue: ["Buddhism"] },
      brazil: "Christianity",
      germany: "Christianity",
    },
    aliases: {
      Christianity: ["Christian", "Catholicism", "Roman Catholicism", "Catholic", "Protestantism"],
      Islam: ["Shia Islam", "Muslim", "Shiism"],
      Hinduism: ["Hindu"],
      Shinto: ["Shintoism"],
      Buddhism: ["Buddhist"],
    },
    extra: ["Buddhism"],
  },
  {
    key: "main-language",
    topic: "languages",
    sentence: (c) => `The most widely spoken language in ${c.name} is ___.`,
    question: (c) => `What is the most widely spoken language in ${c.name}?`,
    values: {
      us: "English",
      china: "Mandarin",
      india: { answer: "Hindi", alsoTrue: ["English"] },
      iran: "Persian",
      kenya: { answer: "Swahili", alsoTrue: ["English"] },
      japan: "Japanese",
      brazil: "Portuguese",
      germany: "German",
    },
    aliases: {
      Mandarin: ["Mandarin Chinese", "Chinese", "Standard Chinese", "Putonghua"],
      Persian: ["Farsi"],
      Swahili: ["Kiswahili"],
      Hindi: ["हिन्दी", "हिंदी"],
    },
  },
  {
    key: "popular-sport",
    topic: "sports",
    sentence: (c) => `A very popular sport in ${c.name} is ___.`,
    question: (c) => `Which of these is a very popular sport in ${c.name}?`,
    values: {
      us: { answer: "American football", alsoTrue: ["football", "baseball", "ice hockey"] },
      china: { answer: "table tennis", alsoTrue: ["football"] },
      india: { answer: "cricket", alsoTrue: ["football"] },
      iran: { answer: "football", alsoTrue: ["table tennis"] },
      kenya: { answer: "long-distance running", alsoTrue: ["football", "cricket"] },
      japan: { answer: "baseball", alsoTrue: ["football", "table tennis", "long-distance running"] },
      brazil: "football",
      germany: { answer: "football", alsoTrue: ["ice hockey", "table tennis"] },
    },
    aliases: {
      football: ["soccer", "association football", "futebol", "Fußball"],
      "American football": ["football", "gridiron football"],
      "long-distance running": ["distance running", "running", "athletics", "marathon running"],
      "table tennis": ["ping pong", "ping-pong"],
    },
    extra: ["ice hockey"],
  },
]

export const countryFacts: ReadonlyArray<CountryFact> = [
  {
    key: "festival",
    topic: "festivals",
    culture: "us",
    sentence: "Thanksgiving, celebrated with a turkey dinner in late November, is a major holiday in ___.",
    question: "In which country is Thanksgiving, with a turkey dinner in late November, a major holiday?",
  },
  {
    key: "festival",
    topic: "festivals",
    culture: "china",
    sentence: "The Mid-Autumn Festival, when families share mooncakes, is a major festival in ___.",
    question: "In which country is the Mid-Autumn Festival, when families share mooncakes, a major festival?",
  },
  {
    key: "festival",
    topic: "festivals",
    culture: "india",
    sentence: "Diwali, the festival of lights, is a major festival in ___.",
    question: "In which country is Diwali, the festival of lights, a major festival?",
    notIn: ["kenya"],
  },
  {
    key: "festival",
    topic: "festivals",
    culture: "iran",
    sentence: "Yalda Night, celebrated on the longest night of the year, is a traditional festival in ___.",
    question: "In which country is Yalda Night, on the longest night of the year, a traditional festival?",
  },
  {
    key: "festival",
    topic: "festivals",
    culture: "kenya",
    sentence: "Jamhuri Day, celebrated on 12 December, is a national holiday in ___.",
    question: "In which country is Jamhuri Day, on 12 December, a national holiday?",
  },
  {
    key: "festival",
    topic: "festivals",
    culture: "japan",
    sentence: "Hanami, the custom of viewing cherry blossoms in spring, is a popular tradition in ___.",
    question: "In which country is hanami, viewing cherry blossoms in spring, a popular tradition?",
    notIn: ["china", "us"],
  },
  {
    key: "festival",
    topic: "festivals",
    culture: "brazil",
    sentence: "Carnival, with its samba parades in Rio de Janeiro, is a major festival in ___.",
    question: "In which country is Carnival, with samba parades in Rio de Janeiro, a major festival?",
  },
  {
    key: "festival",
    topic: "festivals",
    culture: "germany",
    sentence: "Oktoberfest, the beer festival held every year in Munich, is a famous festival in ___.",
    question:
      "In which country is Oktoberfest, the beer festival held every year in Munich, a famous festival?",
  },
  {
    key: "dish",
    topic: "staple foods",
    culture: "us",
    sentence: "Buffalo wings are a traditional dish from ___.",
    question: "Which country are Buffalo wings a traditional dish from?",
  },
  {
    key: "dish",
    topic: "staple foods",
    culture: "china",
    sentence: "Peking duck is a traditional dish from ___.",
    question: "Which country is Peking duck a traditional dish from?",
  },
  {
    key: "dish",
    topic: "staple foods",
    culture: "india",
    sentence: "Masala dosa is a traditional dish from ___.",
    question: "Which country is masala dosa a traditional dish from?",
  },
  {
    key: "dish",
    topic: "staple foods",
    culture: "iran",
    sentence: "Chelow kabab, rice served with grilled meat, is a traditional dish from ___.",
    question: "Which country is chelow kabab, rice served with grilled meat, a traditional dish from?",
  },
  {
    key: "dish",
    topic: "staple foods",
    culture: "kenya",
    sentence: "Nyama choma, grilled meat shared with friends, is a popular dish in ___.",
    question: "In which country is nyama choma, grilled meat shared with friends, a popular dish?",
  },
  {
    key: "dish",
    topic: "staple foods",
    culture: "japan",
    sentence: "Sushi is a traditional dish from ___.",
    question: "Which country is sushi a traditional dish from?",
  },
  {
    key: "dish",
    topic: "staple foods",
    culture: "brazil",
    sentence: "Feijoada, a black bean stew, is a traditional dish from ___.",
    question: "Which country is feijoada, a black bean stew, a traditional dish from?",
  },
  {
    key: "dish",
    topic: "staple foods",
    culture: "germany",
    sentence: "Bratwurst, a grilled sausage, is a traditional dish from ___.",
    question: "Which country is bratwurst, a grilled sausage, a traditional dish from?",
  },
  {
    key: "wedding-custom",
    topic: "weddings",
    culture: "us",
    sentence:
      "The bridal shower, a party where friends give gifts to the bride before the wedding, is a custom from ___.",
    question:
      "Which country does the bridal shower, a party with gifts for the bride before the wedding, come from?",
    notIn: ["brazil"],
  },
  {
    key: "wedding-custom",
    topic: "weddings",
    culture: "china",
    sentence:
      "The tea ceremony, in which the couple serves tea to their parents, is a wedding tradition in ___.",
    question: "In which country is the couple serving tea to their parents a wedding tradition?",
    notIn: ["japan"],
  },
  {
    key: "wedding-custom",
    topic: "weddings",
    culture: "india",
    sentence: "Walking seven times around a sacred fire is part of traditional weddings in ___.",
    question: "In which country do traditional weddings include walking seven times around a sacred fire?",
    notIn: ["kenya"],
  },
  {
    key: "wedding-custom",
    topic: "weddings",
    culture: "iran",
    sentence:
      "The sofreh aghd, a decorated spread laid out for the marriage ceremony, is a wedding tradition in ___.",
    question:
      "In which country is the sofreh aghd, a decorated spread for the marriage ceremony, a wedding tradition?",
  },
  {
    key: "wedding-custom",
    topic: "weddings",
    culture: "kenya",
    sentence: "Ruracio, the bride price negotiation between two families, is a wedding custom in ___.",
    question:
      "In which country is ruracio, the bride price negotiation between two families, a wedding custom?",
  },
  {
    key: "wedding-custom",
    topic: "weddings",
    culture: "japan",
    sentence: "San-san-kudo, the sharing of sake from three cups, is a wedding ritual in ___.",
    question: "In which country is san-san-kudo, sharing sake from three cups, a wedding ritual?",
  },
  {
    key: "wedding-custom",
    topic: "weddings",
    culture: "brazil",
    sentence: "Bem-casados, small sweets given to wedding guests, are a wedding tradition in ___.",
    question: "In which country are bem-casados, small sweets for wedding guests, a wedding tradition?",
  },
  {
    key: "wedding-custom",
    topic: "weddings",
    culture: "germany",
    sentence: "The Polterabend, when guests break porcelain on the eve of a wedding, is a tradition in ___.",
    question: "In which country is the Polterabend, breaking porcelain on the eve of a wedding, a tradition?",
  },
  {
    key: "funeral-custom",
    topic: "funerals",
    culture: "china",
    sentence: "Burning joss paper as money for the dead is a funeral custom in ___.",
    question: "In which country is burning joss paper as money for the dead a funeral custom?",
  },
  {
    key: "funeral-custom",
    topic: "funerals",
    culture: "india",
    sentence: "Cremation on an open pyre beside a river is a traditional funeral in ___.",
    question: "In which country is cremation on an open pyre beside a river a traditional funeral?",
    notIn: ["kenya"],
  },
  {
    key: "funeral-custom",
    topic: "funerals",
    culture: "japan",
    sentence: "Koden, condolence money given in a special envelope at a funeral, is a custom in ___.",
    question: "In which country is koden, condolence money in a special envelope at a funeral, a custom?",
  },
  {
    key: "calendar",
    topic: "calendar and new year",
    culture: "iran",
    sentence: "The Solar Hijri calendar is the official calendar of ___.",
    question: "Which country has the Solar Hijri calendar as its official calendar?",
  },
  {
    key: "calendar",
    topic: "calendar and new year",
    culture: "japan",
    sentence: "Years are also counted by imperial era names, such as Reiwa, in ___.",
    question: "In which country are years also counted by imperial era names such as Reiwa?",
  },
  {
    key: "calendar",
    topic: "calendar and new year",
    culture: "china",
    sentence: "The Spring Festival, which begins the lunar new year, is the biggest holiday in ___.",
    question:
      "In which country is the Spring Festival, which begins the lunar new year, the biggest holiday?",
  },
  {
    key: "calendar",
    topic: "calendar and new year",
    culture: "kenya",
    sentence: "Madaraka Day, celebrated on 1 June, is a national holiday in ___.",
    question: "In which country is Madaraka Day, on 1 June, a national holiday?",
  },
]

export const singleFacts: ReadonlyArray<SingleFact> = [
  {
    key: "head-tilt",
    topic: "gestures",
    culture: "india",
    sentence: "In India, a side-to-side tilt of the head usually means ___.",
    question: "In India, what does a side-to-side tilt of the head usually mean?",
    answer: "yes",
    aliases: ["agreement", "okay", "ok", "I understand"],
    distractors: ["no", "anger"],
  },
  {
    key: "beckoning",
    topic: "gestures",
    culture: "japan",
    sentence: "In Japan, people beckon someone to come closer with the palm facing ___.",
    question: "In Japan, which way does the palm face when people beckon someone to come closer?",
    answer: "down",
    aliases: ["downward", "downwards", "the ground"],
    distractors: ["up", "sideways"],
  },
  {
    key: "ok-sign",
    topic: "gestures",
    culture: "brazil",
    sentence:
      "In Brazil, the OK sign made by forming a circle with the thumb and index finger is considered ___.",
    question: "In Brazil, how is the OK sign made with the thumb and index finger regarded?",
    answer: "rude",
    aliases: ["offensive", "vulgar", "insulting", "obscene"],
    distractors: ["polite", "a compliment"],
  },
  {
    key: "thumbs-up",
    topic: "gestures",
    culture: "iran",
    sentence: "In Iran, the thumbs-up gesture has traditionally been considered ___.",
    question: "In Iran, how has the thumbs-up gesture traditionally been regarded?",
    answer: "rude",
    aliases: ["offensive", "vulgar", "insulting", "obscene"],
    distractors: ["polite", "a compliment"],
  },
  {
    key: "thumbs-up",
    topic: "gestures",
    culture: "us",
    sentence: "In the United States, a thumbs-up gesture usually means ___.",
    question: "In the United States, what does a thumbs-up gesture usually mean?",
    answer: "approval",
    aliases: ["good", "okay", "ok", "well done", "great", "yes"],
    distractors: ["an insult", "disapproval"],
  },
  {
    key: "lecture-knocking",
    topic: "gestures",
    culture: "germany",
    sentence: "In Germany, students often applaud at the end of a lecture by knocking on ___.",
    question: "In Germany, what do students often knock on to applaud at the end of a lecture?",
    answer: "their desks",
    aliases: ["the desks", "desks", "the desk", "the table", "tables", "the tables"],
    distractors: ["the door", "the walls"],
  },
  {
    key: "two-hands",
    topic: "gestures",
    culture: "china",
    sentence: "In China, people politely hand over business cards and gifts with ___.",
    question: "In China, how do people politely hand over business cards and gifts?",
    answer: "both hands",
    aliases: ["two hands", "both of their hands"],
    distractors: ["the left hand only", "one hand behind their back"],
  },
  {
    key: "service-charge",
    topic: "tipping",
    culture: "brazil",
    sentence: "In restaurants in Brazil, a service charge added to the bill is usually ___.",
    question: "In restaurants in Brazil, how large is the service charge usually added to the bill?",
    answer: "10 percent",
    aliases: ["ten percent", "10%", "10 per cent"],
    distractors: ["25 percent", "50 percent"],
  },
  {
    key: "tip-size",
    topic: "tipping",
    culture: "us",
    sentence: "In restaurants in the United States, a usual tip is ___.",
    question: "In restaurants in the United States, how large is a usual tip?",
    answer: "15 to 20 percent",
    aliases: ["15-20%", "15 to 20%", "15-20 percent", "15 to 20 percent of the bill", "about 20 percent"],
    distractors: ["nothing at all", "50 percent"],
  },
  {
    key: "long-distance",
    topic: "sports",
    culture: "kenya",
    sentence: "Kenya is famous for its champions in ___.",
    question: "What is Kenya famous for having champions in?",
    answer: "long-distance running",
    aliases: ["distance running", "marathon running", "marathons", "running", "athletics"],
    distractors: ["ice hockey", "skiing"],
  },
  {
    key: "mobile-money",
    topic: "currency",
    culture: "kenya",
    sentence: "In Kenya, many people pay each other by phone with a mobile money service called ___.",
    question: "What is the mobile money service that many people in Kenya use to pay each other by phone?",
    answer: "M-Pesa",
    aliases: ["MPesa", "M Pesa"],
    distractors: ["Venmo", "Paytm"],
  },
]
