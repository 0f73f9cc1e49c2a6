/**
 * The built-in word list for the random insertion task: 349 common English words of 5 to 11 letters, chosen
 * for Lyceum (everyday nouns, verbs and adjectives; no proper names), lower case, no duplicates.
 */
export const insertionWords: ReadonlyArray<string> = `
about above absent accept access accident account across action active actor address admire advice afraid
after again against agree airport almost alone along already always amount ancient angle animal answer
anyone anything apple arrive artist attack autumn average awake balance banana basket battle beautiful
become before begin behind believe below beneath better between bicycle birthday blanket bottle bottom
branch bread breakfast bridge bright brother bucket budget builder burden butter button cabbage cabinet
camera candle canvas capital captain carpet carrot castle cattle ceiling centre certain chair chance change
chapter charge cheese chicken children chimney choice circle citizen climate clock closet cloud coffee
collect colour comfort common company compare complete concert corner cottage cotton country courage cousin
crayon credit crowd culture curtain cushion damage danger daughter decide deliver desert design dinner
direction distance doctor dollar donkey double dragon drawer dream driver eagle early earth easily elbow
electric elephant empty energy engine enough entrance envelope evening example exercise family famous
farmer father feather fever field finger finish flower follow forest forget fortune freedom friend frozen
future garden gather gentle giant ginger glass global golden grammar grandfather gravel guitar hammer handle
happen harbour harvest health heavy helmet history holiday honest hospital hunger husband island jacket
journey jungle kettle kitchen kitten ladder language laughter leather lemon letter library lighthouse
listen little lizard machine magnet marble market meadow medicine memory message middle minute mirror
moment monkey morning mountain museum mushroom music narrow nature needle neighbour nephew noodle normal
number ocean office orange orchard outside oxygen paddle palace pancake paper parcel parent parrot pencil
people pepper picture pillow planet pocket poetry potato powder present pretty prison problem promise
puzzle quarter question rabbit rainbow reason record remember rescue ribbon river rocket saddle salad
sandwich scissors season second secret shadow shelter shoulder silence silver simple sister soldier
spider spring square station stomach stone storm stranger street student sudden summer sunset supper
surprise sweater table teacher theatre thunder ticket tiger timber tomato tomorrow tongue tower traffic
travel treasure triangle trouble umbrella uncle valley velvet village violin visitor volcano wagon walnut
weather whisper window winter wizard wonder yellow yesterday zebra
`
  .trim()
  .split(/\s+/u)
