/**
 * Hand-written everyday English for the sim model's background n-gram: short stories, notes, dialogue and
 * messages, written for Lyceum (not taken from any dataset). Documents are separated by blank lines.
 */
export const corpusText = `On Saturday morning I walked to the market with my sister. The weather was cold but bright, and the stalls were already busy when we arrived. We bought apples, a loaf of bread, some cheese and a bunch of flowers for our mother. My sister wanted to look at the old books, so I waited by the coffee van and watched the dogs pull their owners from stall to stall. By eleven we were tired and happy, and we took the bus home.

The kitchen tap has been dripping for a week. I called the landlord on Monday and again on Wednesday, but nobody came. In the end my neighbour lent me a spanner and showed me how to change the washer. It took ten minutes. I should have asked him at the start.

"Are you coming to the party tonight?" asked Maria.
"I think so," said Ben. "What time does it start?"
"About eight, but people will turn up later."
"Should I bring anything?"
"Just bring something to drink and maybe some crisps."
"Okay. I'll see you there."

Dear Mrs Patel, thank you for your letter of the fourth of March. I am sorry that the delivery was late. We have checked your order and the missing items will be sent to you this week. If you have any other questions, please call our office between nine and five on weekdays. Kind regards, the customer service team.

My grandfather grew up in a small village by the sea. Every morning he helped his father with the boat, and every evening he walked along the beach with his dog. He told us that the winters were long and the summers were short, but he never wanted to live anywhere else. When he was old he still went down to the harbour to talk to the fishermen.

To make a simple tomato soup, chop an onion and two cloves of garlic and cook them slowly in a little oil. Add a tin of tomatoes, a cup of water and a pinch of salt. Let it simmer for twenty minutes, then blend it until it is smooth. Serve it hot with fresh bread. It is cheap, quick and good for a cold night.

The train was late again this morning. I stood on the platform for half an hour with a hundred other people, and when it finally came it was so full that I could not get on. I walked to the bus station instead and got to work at ten. My manager was not pleased, but he knows the trains have been terrible all month.

Hi Tom, just a quick note to say thanks for helping with the move on Sunday. We could not have done it without you and the van. The flat looks great now that the boxes are gone. Come round for dinner next week and see it properly. Love, Anna.

Last summer we rented a small house in the hills for two weeks. There was no television and the phone signal was weak, so we read books, played cards and went for long walks. The children complained for the first two days and then forgot all about their screens. On the last night we ate outside under the stars and nobody wanted to go home.

The meeting started at half past nine. Sarah went through the numbers for the last quarter, and then we talked about the plans for the new office. Everyone agreed that we need more space, but nobody agreed about where it should be. We will meet again on Thursday to make a decision. Please send me your comments before then.

"Can I help you?" asked the woman at the desk.
"Yes, I have an appointment with the doctor at two."
"What is your name, please?"
"James Walker."
"Thank you. Please take a seat and the doctor will call you soon."

The library in our town is small but friendly. On Tuesdays there is a reading group for children, and on Thursday evenings a group of older people meet to talk about history. The librarian knows everyone by name. Last year the council wanted to close it, but so many people wrote letters that they changed their minds.

I have been trying to run three times a week. On Monday I ran for twenty minutes without stopping, which is the longest I have ever run. My legs hurt the next day, but I felt great. My friend says I should try a five kilometre race in the spring. Maybe I will, if I keep going.

Our cat is called Pepper. She is black with a white nose and she sleeps most of the day on the chair by the window. At night she wakes up and wants to play, usually at three in the morning. She does not like the rain, the vacuum cleaner or the dog next door. She does like fish, warm laps and boxes.

Note to self: pay the electricity bill, book the car in for its service, buy a birthday card for Dad, call the bank about the new card, and remember to water the plants before the weekend.

The storm last night brought down a tree at the end of our road. Nobody was hurt, but it blocked the road until lunchtime and the power was off for three hours. The children thought it was an adventure. We lit candles, played board games and ate cold pizza. This morning the council came with saws and a big truck to clear it.

"Do you know where the nearest post office is?"
"Go straight on until you reach the church, then turn left. It is next to the bakery."
"Is it far?"
"No, about five minutes on foot."
"Thank you very much."
"You are welcome."

When I was a student I worked in a cafe on Saturdays. I learned how to make good coffee, how to carry four plates at once, and how to smile at people who were rude to me. The owner was a kind old man who gave us free lunch and a little extra money at Christmas. I still think of him when I order a coffee.

The school concert was on Thursday evening. The hall was full of parents with phones held up to film their children. The youngest class sang two songs about the sea and forgot most of the words, and everyone clapped anyway. The orchestra played well, and the head teacher gave a short speech about the new music room.

I finally finished the book you lent me. I loved the first half, but I thought the ending was too quick. I wanted to know more about what happened to the brother. Can we talk about it when I see you on Friday? I will bring the book back then.

Please remember that the office will be closed on Monday for the bank holiday. If you need anything urgent, send an email and someone will answer it on Tuesday morning. Have a good long weekend.

We went to the beach on Sunday even though the forecast said rain. It did rain, but only for an hour, and after that the sun came out. The sea was too cold for swimming, so we walked along the sand, looked for shells and ate fish and chips on the wall. The dog ran into the waves and came back very wet and very happy.

My phone broke last week, so I have a new number. Please save it and delete the old one. I lost some of my contacts, so if you have not heard from me, that is why. Send me a message so I know it is you.

The garden needs a lot of work this year. The grass is long, the roses need cutting back and something has been eating the lettuces. I spent all of Saturday afternoon out there and I only finished half of it. Next weekend I will do the rest, if the weather is kind.

"How was your day?"
"Long. The printer broke, the client called three times and I missed lunch."
"Sit down, I will make you a cup of tea."
"You are the best."
"I know."

Our street has a group chat. Most of the time people ask if anyone has seen a lost cat or a parcel that went to the wrong house. Sometimes someone offers free plants or an old chair. Last month we used it to plan a street party, and nearly everyone came. It was the first time I met some of my neighbours.

The doctor said I should rest for a week and drink plenty of water. She gave me a note for work and told me to come back if I did not feel better by Friday. I slept for most of the first two days. Now I feel much better, but I am still tired in the afternoons.

For my birthday my friends took me to a small restaurant by the river. We had a long table by the window and we could watch the boats go past. The food was excellent, especially the fish, and the waiter brought a cake with a candle in it. I was so surprised that I forgot to make a wish.

I am writing to ask about the job in your shop window. I have three years of experience in retail and I am free to work on weekends and evenings. I am friendly, reliable and quick to learn. I can come in for a chat any day this week. Thank you for your time.

The bus timetable changed this week. The number twelve now leaves every fifteen minutes instead of every ten, and the last bus is at eleven instead of midnight. Many people are unhappy about it, and there is a meeting at the town hall on Wednesday evening to talk about it.

We need a new fridge. The old one makes a terrible noise at night and the freezer is full of ice. I looked at some online, but they are all so expensive. My brother says his friend is selling one that is only two years old, so I will go and look at it tomorrow.

"What do you want for dinner?"
"I do not mind. Something easy."
"Pasta?"
"We had pasta yesterday."
"Curry, then?"
"Perfect. I will get the rice on."

Every Wednesday my aunt calls me at seven. She tells me about her week, her garden and her neighbours, and I tell her about work and the children. Sometimes we talk for an hour. She is eighty four and lives alone, so I think the calls are important to her. They are important to me too.

The new cafe on the corner opened last week. It has good coffee, big windows and comfortable chairs, and it is always full of people working on laptops. I went there on Friday to read the paper and stayed for two hours. The cakes are home made and the staff are friendly. I will go back.

We are planning a trip to see my parents at Easter. It is a long drive, about five hours, so we will leave early on Friday morning and stop for lunch on the way. The children want to see the new puppy. My mother has already planned every meal for the whole weekend.

Reminder: the football match has been moved from Saturday to Sunday because of the weather. Kick off is at ten in the morning at the usual pitch. Please bring your own water and be there by half past nine.

I lost my keys yesterday. I looked everywhere: in my coat, in my bag, under the sofa and in the car. In the end I found them in the fridge, next to the milk. I have no idea how they got there. My wife thinks it is very funny.

The flowers in the park are beautiful at this time of year. There are tulips by the gate and bluebells under the trees. On sunny days people sit on the grass with picnics and children play by the pond. In the evening the park is quiet and you can hear the birds.

"Did you remember to lock the door?"
"I think so."
"You think so?"
"Yes, I locked it. I remember now."
"Good. Last time you left it open all day."

Our new neighbours moved in on Tuesday. They have two small children and a big friendly dog. I took them a cake and said hello. They are from the north and they do not know anyone here yet, so I told them about the school, the shops and the doctor. I think they will be happy here.

The exam is next Monday and I am trying to study every evening. I have made a plan and I am following it, more or less. My friend and I test each other on the bus. I am most worried about the maths paper, but my teacher says I am ready.

Thank you all for coming to the meeting tonight. We have three things to talk about: the parking on the high street, the state of the playground and the summer fair. Please keep your comments short so that everyone has a chance to speak. Let us start with the parking.

I bought a second hand bike last month and now I ride it to work when it is dry. It takes twenty five minutes, which is only a little longer than the bus, and I feel much better for it. The hill on the way home is hard, but it gets easier every week.

The power cut lasted most of the evening. We ate sandwiches by candle light and listened to the radio on batteries. At ten the lights came back on and everyone in the street cheered. The fridge was still cold, so we did not lose any food.

"Excuse me, is this seat free?"
"Yes, go ahead."
"Thanks. Are you going all the way to the city?"
"Only as far as the next town. I visit my mother every week."
"That is nice. I am going to a job interview."
"Good luck. I hope it goes well."

My son started school this week. On the first day he held my hand very tightly at the gate, but by Wednesday he ran in without looking back. He has already made two friends and he likes his teacher. He told me that lunch was the best part of the day.

The shop on the high street is closing after forty years. The owner says that people buy everything online now, and the rent is too high. On the last day many of his old customers came in to say goodbye. Some of them brought cards and one lady brought flowers.

Hi everyone, the book club will meet at my house this month, on Thursday at half past seven. We are reading the one about the lighthouse keeper. Bring a snack if you can. Let me know if you cannot come so I know how many chairs to find.

We painted the living room on Saturday. We chose a soft green that looked lovely in the shop but much brighter on the wall. After the second coat it looked better. The room feels bigger now and the light is warmer in the evening. Next we want to do the hall.

The hospital car park was full when we arrived, so I dropped my mother at the door and drove round for twenty minutes. By the time I got inside she had already seen the nurse. The news was good: her leg is healing well and she can stop using the crutches next week.

A short guide to our flat for guests: the spare key is in the blue bowl by the door. The heating comes on at six in the morning and at five in the evening. The wifi name and password are on the back of the router. Please put glass in the green box and paper in the blue box. Enjoy your stay.

I tried to bake bread for the first time on Sunday. The dough did not rise very much and the loaf was flat and heavy, but it tasted good with butter and jam. My neighbour, who bakes every week, says I need warmer water and more time. I will try again next weekend.

"Have you seen my glasses?"
"They are on your head."
"Oh. So they are."

The council has started collecting food waste every week. Each house has a small brown bin for the kitchen and a bigger one for outside. At first people complained, but now most of the street uses them. The bins are collected on Tuesday mornings, so put them out on Monday night.

It rained all week, so the children were inside every day. We built a den from blankets and chairs, made a cake, painted pictures and watched two films. By Friday we had run out of ideas and everyone was a little grumpy. On Saturday the sun came out and we went straight to the park.

The wedding was in a small church in the country, and the party was in a barn with lights hanging from the roof. The speeches were funny and short, the food was good and the band played until midnight. My feet hurt for two days after all the dancing.

I got a call from the garage this afternoon. The car needs new brakes and two new tyres, and it will cost more than I hoped. They can do it on Thursday if I drop it off before eight. I will have to take the bus to work that day.

My daughter wants a dog. She has wanted one for years and she has promised to walk it every day, feed it and brush it. We have said maybe, when she is a little older. She has started saving her pocket money to help pay for it, which shows she is serious.

Dear team, thank you for all your hard work this year. It has not been easy, but we finished every project on time and our customers are happy. Please enjoy the lunch on Friday, and have a good rest over the holidays. See you all in the new year.

We walked up the hill behind the village on Sunday. It took an hour to reach the top, and the path was muddy after the rain, but the view was worth it. We could see the river, the fields and, far away, the sea. We sat on a rock, ate our sandwiches and watched the clouds move across the valley.

"Morning! Did you sleep well?"
"Not really, the baby was awake most of the night."
"Oh no. Do you want a coffee?"
"Please. A big one."

The new road through the centre of town should be finished by the summer. For now there are traffic lights, cones and diggers everywhere, and the drive to the station takes twice as long. The shops say fewer people are coming in. Everyone hopes the work will finish on time.

My best friend moved abroad last year for work. We talk every Sunday on video, and she sends me photos of the markets, the mountains and the food. I miss having her round the corner, but I am glad she is happy. I am going to visit her in the autumn.

The swimming pool is closed for repairs until the end of the month. The lessons on Saturday mornings will start again on the first of next month at the same time. We are sorry for any trouble this causes. If you have any questions, please ask at the front desk.

Some days nothing goes right. This morning the alarm did not go off, there was no milk for breakfast, I spilled coffee on my shirt and the car would not start. Then my friend called to say she had two tickets for the theatre tonight. So the day was not so bad after all.

Our office has moved to the fourth floor. The lifts are slow, so most of us take the stairs, which is good exercise. The new kitchen is bigger and there is finally a window in the meeting room. The old printer came with us, sadly, and it still jams every day.

The door code for the gym is 2580 and the locker code changes every month. This month it is 1963. The spare room at the office is number 14 and the phone extension for the front desk is 301. My old flat was number 27, and the one before that was 106.

I was born in 1989 and my brother was born in 1992. We moved to the city in 2004, when I was fifteen. My parents still live in the same house, at number 58. Their phone number has not changed since 1998, and my mother still writes it in every birthday card.

The film starts at 7:45 and finishes at about 10:15. The last train home is at 11:20, so we have plenty of time. Tickets cost 12 pounds each, or 9 pounds with a student card. We can meet at the station at 7:15 and walk from there.

The recipe serves 4 people and takes about 45 minutes. You need 250 grams of flour, 2 eggs, 300 millilitres of milk and a pinch of salt. Heat the oven to 200 degrees. The batter can rest in the fridge for 30 minutes while the oven warms up.`
