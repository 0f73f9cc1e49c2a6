/**
 * More hand-written everyday English for the sim model's background corpus (see `CorpusText.ts`): errands,
 * work, travel, food, health, school, money and weather, as prose, notes, dialogue and short messages.
 */
export const corpusMoreText = `I need to go into town this afternoon to return a jumper that was too small, post a parcel for my brother and pick up my glasses from the optician. If I have time I will get a haircut as well. The car park by the river is usually the cheapest, so I will leave the car there and walk.

"Hello, is that the dentist?"
"Yes, how can I help?"
"I would like to make an appointment, please. I have a bit of toothache."
"We have a space on Thursday at ten past eleven, or Friday at four."
"Thursday is fine."
"Can I have your name and date of birth?"
"Of course."

Our team had a long meeting about the new website this morning. The designers showed us three ideas and we voted for the simplest one. It will take about six weeks to build, and we will test it with some customers before it goes live. I have to write the text for the help pages, which I am quite looking forward to.

We got the train to the coast on Saturday. It was packed with families going to the seaside, and a little boy sat opposite us and told us everything he knew about sharks. When we arrived the tide was out and the beach was huge. We walked for miles, ate ice cream and came home with sand in our shoes and pink noses.

Can you remind me what time the plumber is coming tomorrow? I think he said between eight and ten, but I might be wrong. If I am at work, could you let him in? The key is in the usual place.

The weekly shop is getting more expensive every month. This week I spent nearly twenty pounds more than I did in the spring, and I did not buy anything special. I have started making a list and sticking to it, cooking more soup and bread at home, and buying fruit and vegetables at the market, which is cheaper.

"Are you all right? You look tired."
"I did not sleep much. The neighbours had a party until three."
"Again? You should say something."
"I know. I will talk to them tomorrow, when I am less grumpy."

My mother turned seventy last month and we had a small party for her in the garden. My brother flew in from abroad and surprised her at the door, and she cried. We ate far too much cake, looked at old photos and laughed about the terrible haircuts we all had in the eighties.

The cold I had last week has finally gone, but now my husband has it. He is lying on the sofa with a box of tissues, a hot drink and the television remote, telling me he feels terrible. I have been making him soup and trying to be patient.

Dear all, a reminder that the school will close early on Friday at half past one for staff training. Children who go to the after school club can stay until the usual time. Please make sure your child has a coat, as the forecast says it will be wet. Thank you.

I started a new job on Monday. Everyone has been very friendly, and my manager spent the whole first morning showing me around and explaining how things work. There is a lot to learn, and I have not remembered half of the names yet, but I think I am going to like it there.

Shall we get a takeaway tonight? I really cannot be bothered to cook. There is a new Thai place on the high street that is meant to be good, or we could just get pizza. Let me know what you fancy and I will order it on my way home.

The river burst its banks after three days of heavy rain, and the fields behind our house are now a lake. The road to the village is closed, so the children cannot get to school and I cannot get to work. We are fine, though. The house is on a hill and we have plenty of food and candles.

We are looking for a new flat. Ours is fine, but it is too small now that we both work from home, and the landlord wants to put the rent up again. We have seen four places so far. One was lovely but too far from the station, one was dark and damp, and the other two were much too expensive.

"Which platform for the train to the airport?"
"Platform three, but it is running about twenty minutes late."
"Oh no. Is there another way?"
"You could take the bus from outside the station. It leaves every half hour."
"Thanks, I will try that."

It snowed last night for the first time this winter. When we woke up the garden was white and the street was silent. The children were outside in their pyjamas before I could stop them. We built a snowman with a carrot nose and two stones for eyes, and then came in for hot chocolate and toast.

I am trying to spend less time on my phone. I have turned off most of the notifications and I leave it in the kitchen when I go to bed. The first few days were strange, but now I sleep better and I read more. I still check the news too often, though.

Please can everyone remember to wash their own cups in the office kitchen? The sink was full again this morning and there were no clean mugs left. It only takes a minute. Thank you.

My brother and I went to see our team play on Saturday. We lost two nil, it rained for the whole second half and the pies were cold, but we still had a good day out. We have been going together since we were kids, and it is the only time we really talk.

The heating in our flat broke on the coldest day of the year. We wore our coats indoors, boiled the kettle every hour and went to bed early under every blanket we own. The engineer came the next afternoon and fixed it in twenty minutes. It was a part that cost less than ten pounds.

I have been learning to play the guitar for six months. I practise for half an hour most evenings, and I can now play about ten songs, slowly and with a few wrong notes. My fingers hurt less than they did at the start. My teacher says I should play for friends, but I am too shy.

"What are you doing this weekend?"
"Not much. I might go for a run and clean the flat. You?"
"We are going to my sister's for lunch on Sunday. Do you want to come?"
"That would be lovely, if she does not mind."
"She will not mind. She always cooks far too much."

The post office in the village closed last year, so now we have to drive six miles to send a parcel. Lots of older people in the village do not drive, and the bus only comes twice a day. Some of the neighbours have started a rota to give people lifts into town.

I found a wallet on the bus this morning. It had some cash, two bank cards and a photo of a little girl in it. I handed it in at the bus station and left my number. In the afternoon a woman called to say thank you. She had been looking for it all day.

We planted an apple tree in the garden when our daughter was born. This year, for the first time, it had real apples on it, small and a bit sour but ours. She picked them all herself, and we made a crumble with them on Sunday. She says it is her tree.

Just to let you know, I will be working from home tomorrow because the trains are on strike. I will be online from nine as usual and I can join the meeting by video. Call me on my mobile if you need anything.

The museum in town has a new exhibition about the history of the railway. We went on Sunday afternoon and stayed for three hours. There are old tickets, uniforms, photos of the station when it was built and a real steam engine that you can climb inside. The children loved it, and so did I.

My flight was cancelled last night, so I am stuck at the airport. The airline has put us in a hotel nearby and says there will be a flight tomorrow morning at seven. I have a toothbrush and a clean shirt, so it could be worse. I will call you when I land.

We had a power cut at work this afternoon, so everyone went home early. I used the time to go for a walk in the park, and then I cooked a proper dinner for once instead of something quick. I feel more relaxed than I have for weeks.

"Do you want to split the bill?"
"Yes, that is easiest. How much is it?"
"Forty six pounds with the tip, so twenty three each."
"I will pay by card and you can send me the money."
"Perfect."

The doctor's surgery has a new system for booking appointments. You have to call at eight in the morning, and if you do not get through in the first ten minutes all the places have gone. My father tried for three days before he got to see someone. He says it was easier when you could just walk in.

Last night we sat in the garden until it got dark, listening to the birds and talking about nothing in particular. It was the first warm evening of the year. The neighbours were having a barbecue and the smell of burgers drifted over the fence. It felt like summer was finally on its way.

I have finally cleared out the spare room. There were boxes of old clothes, broken toys, cables for phones we no longer have and a bike with two flat tyres. I took three car loads to the charity shop and the tip. Now we have a room for guests, or for a desk, or just for some peace and quiet.

The school trip to the castle went well. Thirty children, four teachers and six parents, one coach and a lot of packed lunches. Nobody got lost, nobody was sick on the coach, and everyone learned something about the history of the town. The gift shop did very well out of it too.

Thank you for your email. I am out of the office until Monday and will reply when I am back. If your question is urgent, please contact my colleague on the main office number.

Bus 42 now stops at the hospital every 20 minutes. The journey from the station takes about 25 minutes. Single tickets cost 2 pounds and a day ticket is 5 pounds. The first bus leaves at 6:10 and the last one at 23:40. Please have the right money ready.

Our flat is number 3, on the second floor, above the bakery at 117 Mill Road. The buzzer does not work, so call me when you arrive and I will come down. Parking is free after 6 in the evening. My number is 07700 900461.

The class has 28 children, 15 girls and 13 boys. The school day starts at 8:45 and finishes at 3:15. There are 6 classes in the school, and the head teacher has worked there for 19 years. The school was built in 1931 and the new hall was added in 2009.

I paid 65 pounds for the boots in the sale, down from 90. The jacket was 40 pounds and the scarf was 12. In total I spent 117 pounds, which is more than I meant to, but the boots should last for years. The receipt says I can return them within 28 days.`
