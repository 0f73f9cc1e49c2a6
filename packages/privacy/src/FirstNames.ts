/**
 * Common US given names (girls' and boys', roughly by popularity around 2020), for name canaries and the
 * Secret Sharer's comparison fillings. Written for this project, not copied from the SSA list the paper
 * used; names that are also common English words (Grace, Hunter, Rose, Will, Mason...) are left out, so a
 * name canary does not collide with ordinary lesson text.
 */
export const FIRST_NAMES: ReadonlyArray<string> = (
  "Olivia Emma Ava Charlotte Sophia Amelia Isabella Mia Evelyn Harper Camila Gianna Abigail Luna Ella " +
  "Elizabeth Sofia Emily Avery Mila Scarlett Eleanor Madison Layla Penelope Aria Chloe Ellie Nora Zoey " +
  "Riley Victoria Aurora Hannah Emilia Zoe Stella Everly Isla Leah Lillian Addison Lucy Paisley Natalie " +
  "Naomi Eliana Brooklyn Elena Aubrey Claire Kinsley Audrey Maya Skylar Bella Aaliyah Madelyn Anna Delilah " +
  "Caroline Kennedy Valentina Sophie Alice Gabriella Sadie Ariana Allison Hailey Nevaeh Natalia Quinn " +
  "Josephine Sarah Cora Emery Samantha Leilani Eva Everleigh Madeline Lydia Peyton Brielle Adeline Vivian " +
  "Rylee Clara Raelynn Melanie Julia Athena Maria Liliana Hadley Arya Reagan Eliza Adalynn Kaylee Lyla " +
  "Mackenzie Alaina Nicole Margaret Emerson Kylie Kaia Kayla Mary Isabelle Rowan Valeria Adalyn Gracie Ayla " +
  "Ximena Eden Alexa Luciana Lila Kimberly Brianna Gemma Norah Kendall Sara Jordyn Mariana Andrea Aubree " +
  "Freya Morgan Alina Diana Daniela Ryleigh Josie Ruth Jocelyn Teagan Esther Juliana Evangeline Georgia " +
  "Alyssa Rachel Sloane Arabella Amaya Taylor Londyn Laila Remi Alexandra Ashley Elliana Blakely Ana " +
  "Kehlani Mckenna Katherine Cecilia Aliyah Kali Emersyn Callie Juliette Makayla Vanessa Lilly Adaline " +
  "Lilah Adriana Zara Catalina Rebecca Emely Hallie Camille Zuri Thea Kinley Jessica Jayla Angelina Amara " +
  "Lucia Leila Mya Madilyn Rosalie Alana Saylor Malia Esmeralda Alani Fatima Elise Wrenley Elaina Arianna " +
  "Amira Lauren Anastasia Adelyn Nyla Journee Julianna Evie Brooke Maggie Lia Blair Finley Nina Paige Elsie " +
  "Marley Mckinley Jane Gabrielle Harley Sabrina Phoebe Selena Tessa Kaitlyn Lena Alayna Kate Jennifer " +
  "Kamila Harlow Octavia Myla Annie Tatum Miriam Maeve Raegan Mabel Serena Karina Daphne Amy Brynlee Sarai " +
  "Kira Michelle Jimena Lainey Raelyn Ariel Ayleen Mariah Madeleine Daleyza Danna Jenna Megan Felicity " +
  "Angela Viviana Celeste Ainsley Melissa Nadia Gwendolyn Alessandra Amari Heidi Jolene Alexis Jacqueline " +
  "Kendra Oaklynn Mira Mallory Skye Cassidy Sylvia Briella Myra Emory Aitana Frances Kamryn Leighton Amina " +
  "Cheyenne Rebekah Averie Kyla Alessia Lorelei Talia Regina Makenna Esme Zariah Veronica Payton Lilliana " +
  "Kathryn Dorothy Alondra Nayeli Jada Leslie Adelaide Alivia Mae Rosie Macie Carmen Annabelle Itzel " +
  "Lucille Jillian Adelina Helen Kelsey Nancy Lola Aurelia Elle Tiana Lana Madilynn Fiona Hanna Allie " +
  "Mariam Kora Elianna Bianca Demi Melany Jolie Erin Maddison Evangelina Kimber Bailey Margot Kiara Hattie " +
  "Presley Nylah Alison Amanda Ashlyn Bristol Brynn Cataleya Collins Elaine Elisa Emmy Giselle Gloria Greta " +
  "Haley Hazelyn Imani Janelle Jemma Jenny Joanna Julie Kaelyn Kaliyah Karsyn Katie Kenzie Laura Leia " +
  "Lilith Liana Lilian Lorelai Louise Maisie Marilyn Martha Matilda Milani Miranda Monroe Nalani Noelle " +
  "Nova Oakley Paislee Paris Priscilla Reese Rhea Rosa Rosalyn Sasha Shelby Stephanie Sutton Tatiana " +
  "Tinsley Vera Yaretzi Zelda Alma Anya Ari Bethany Calliope Carolina Charlee Christina Cynthia Dana Dayana " +
  "Edith Eileen Ellen Estella Evelynn Faye Hana Henley Jazmin Joelle Kassidy Keira Kelly Kenna Lexi Linda " +
  "Lina Lucinda Luz Millie Mina Nell Nola Noa Ramona Rayna Romina Salma Sandra Sariah Simone Siena Sonia " +
  "Stevie Susan Tiffany Valery Vida Virginia Wendy Winnie Yara Yasmin Zaylee Zoie Liam Noah Oliver Elijah " +
  "William James Benjamin Lucas Henry Alexander Michael Ethan Daniel Jacob Logan Jackson Levi Sebastian " +
  "Mateo Owen Theodore Aiden Samuel Joseph John David Wyatt Matthew Luke Asher Julian Grayson Leo Jayden " +
  "Gabriel Isaac Lincoln Anthony Hudson Dylan Ezra Thomas Charles Christopher Jaxon Josiah Isaiah Andrew " +
  "Elias Joshua Nathan Caleb Ryan Adrian Eli Nolan Christian Aaron Cameron Ezekiel Colton Luca Landon " +
  "Jonathan Santiago Axel Easton Jeremiah Connor Jameson Robert Greyson Ian Carson Jaxson Leonardo Nicholas " +
  "Dominic Austin Everett Xavier Kai Jose Adam Jace Wesley Kayden Silas Bennett Declan Waylon Weston Evan " +
  "Emmett Micah Ryder Damian Brayden Gael Harrison Bryson Sawyer Amir Kingston Jason Giovanni Vincent Ayden " +
  "Myles Diego Nathaniel Jonah Tyler Cole Braxton George Milo Zachary Ashton Luis Jasper Kaiden Adriel " +
  "Gavin Bentley Calvin Zion Juan Maxwell Ryker Carlos Emmanuel Jayce Lorenzo Ivan Jude Rhett Finn Kevin " +
  "Brandon Maddox Camden Alan Judah Elliot Kaleb Barrett Antonio Abel Knox Bryce Tristan Theo Victor Kyrie " +
  "Emiliano Thiago Eric Alex Nico Griffin Leon Kyle Arthur Jesse Mathias Paul Cody Matteo Ezequiel Karter " +
  "Marcus Hayden Damien Rafael Steven Aidan Sean Dawson Jaden Tucker Lukas Israel Caden Jax Charlie Beckett " +
  "Jake Emilio Iker Hendrix Clayton Zane Ronan Miguel Richard Caiden Dallas Holden Tobias Cayden Jensen " +
  "Andres Patrick Rhys Preston Oscar Peter Brady Adonis Killian Walter Bodhi Bodie Dante Francisco Kenneth " +
  "Fernando Malachi Lucian Enzo Tanner Jorge Colin Reid Aarav Raymond Manuel Javier Dalton Zayden Mario " +
  "Cohen Kameron Jeremy Tate Martin Spencer Jett Cristian Andre Kayson Sergio Derek Remington Hugo Kash " +
  "Callum Simon Conor Edward Cyrus Garrett Cesar Erik Kaison Jaiden Titus Kingsley Ali Zyaire Fabian Lionel " +
  "Anderson Dakota Tommy Travis Jeffrey Brody Lennon Odin Marco Dominick Alijah Leonel Seth Shane Ricardo " +
  "Asa Cade Jared Troy Nash Damon Ellis Kade Otto Malcolm Paxton Hector Sullivan Roberto Romeo Kian Pedro " +
  "Corbin Desmond Gideon Soren Zander Ibrahim Gregory Johnny Kasen Muhammad Armando Keegan Jalen Raphael " +
  "Kairo Louis Mohamed Kobe Maximus Emanuel Bruce Uriel Mohammad Jimmy Dariel Ruben Eduardo Donovan Rylan " +
  "Finnegan Jamison Russell Lawson Jonas Boone Erick Stephen Kason Ayaan Orion Hank Lewis Moses Rory Zaiden " +
  "Landen Philip Ricky Bradley Gage Andy Mathew Dustin Shawn Alonzo Kolton Cruz Larry Douglas Darius Matias " +
  "Gerardo Dennis Roy Allen Rocco Dorian Nikolai Zachariah Aryan Tony Leonidas Abraham Ronald Quentin Royce " +
  "Raul Stanley Mack Alvin Bowen Jaxton Nehemiah Benson Kieran Trevor Conrad Kylan Benedict Byron Harvey " +
  "Julius Johan Jamie Albert Cassius Franklin Gianni Kellan Lucca Melvin Norman Omar Khalil Gustavo Musa " +
  "Rodrigo Skyler Ahmed Ismael Winston Alberto Alec Amos Anakin Apollo Augustus Axton Azariah Brantley " +
  "Brecken Brixton Caspian Castiel Chandler Clark Colby Corey Dax Dexter Donald Eddie Elian Elliott Enrique " +
  "Ephraim Esteban Ezrah Felix Fletcher Francis Gary Graham Harlan Harold Hayes Houston Huxley Jagger Jamal " +
  "Jaziel Jefferson Jerry Joel Joey Jordy Jovanni Julio Kaysen Keanu Kendrick Kenji Khari Kyler Lachlan " +
  "Lamar Landry Lennox Leroy Lochlan Lyle Madden Magnus Malik Marcelo Marcel Mariano Marvin Maximiliano " +
  "Nasir Neil Nelson Niko Noel Orlando Osiris Otis Pablo Quincy Raiden Ramon Reuben Ronin Rowen Salvador " +
  "Samson Santino Saul Stefan Terry Thaddeus Tomas Trent Truett Tyson Valentino Vicente Wallace Wilson " +
  "Xander Yosef Yusuf Zain Zeke Abby Ada Adele Agnes Aileen Alicia Allyson Amelie Annika Antonia Ariella " +
  "Astrid Beatrice Belinda Bonnie Camryn Carly Cecily Celine Chelsea Cheryl Colette Constance Courtney " +
  "Danielle Deborah Delaney Dolores Elodie Eloise Emmaline Erica Eugenia Evelina Fernanda Gabriela " +
  "Genevieve Harriet Helena Ingrid Irene Isadora Jacquelyn Janet Jasmin Jordana Judith Karen Katelyn " +
  "Kathleen Katrina Kristen Leona Lillie Loretta Lucienne Marcella Marianne Marisol Maxine Mercedes Mikayla " +
  "Nadine Natasha Nicolette Odette Ophelia Paula Petra Phyllis Rachael Renata Rita Roberta Rosalind Sabina " +
  "Selah Shirley Sofie Sybil Tamara Teresa Theresa Valerie Vivienne Yvonne Zoya Adrien Alfred Alistair " +
  "Ambrose Angelo Archibald Arlo Arnold Barnaby Bernard Brendan Bryant Callan Carlton Casey Cedric Clifford " +
  "Cornelius Curtis Cyril Darren Edgar Edmund Edwin Elmer Emil Ernesto Eugene Ferdinand Floyd Fred " +
  "Frederick Gerald Gordon Harry Herbert Horace Howard Hugh Ignacio Irving Jerome Jon Kurt Lloyd Luther " +
  "Mauricio Maurice Milton Morris Murray Nigel Oswald Percy Quinton Ralph Reginald Rodney Rupert Sylvester " +
  "Terrence Timothy Todd Vernon Vince Wilbur Willis"
)
  .trim()
  .split(/\s+/)
