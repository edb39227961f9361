"""A deterministic synthetic leafbind project for the benchmark.

    python bench/catalogue.py DIR --count 100 [--seed 2026] [--giant 50000]

writes DIR/leafbind.toml, DIR/leaflets/authors.yaml, DIR/leaflets/<slug>.md for COUNT leaflets (and one
leaflet of about GIANT words), and copies the repository's fonts, logo and sample image into DIR/assets, so
that both `publish build` and plain WeasyPrint with its default URL fetcher resolve the same files.

Every leaflet passes `publish check` with no errors (its quality checks warn about some words and long
paragraphs, as they would for real leaflets): valid front matter (title, summary, authors, published, updated,
review, edition, id, lang, keywords, sources) and a body of 700-1,200 words in plain health language, with
4-7 `##` sections, bulleted and numbered lists, a table in about a third of the leaflets and the sample
image in about a fifth. The same seed and count always give the same files, byte for byte.
"""

# ruff: noqa: T201  (a command-line tool: it prints)
from __future__ import annotations

import argparse
import json
import random
import re
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
IMAGE = "home-blood-pressure-check.svg"
WORDS_MIN, WORDS_MAX = 700, 1200
WORD = re.compile(r"[A-Za-z0-9]")

# --- Vocabulary ---------------------------------------------------------------------------------------
# Each part of the body has symptoms, causes, tests, treatments, self-care and warning signs that read
# naturally in the sentence templates below ("Most people with {c} notice {symptom}.").

AREAS = {
    "joints": dict(
        body="your joints",
        symptoms=["stiffness in the morning", "pain when you climb stairs", "swelling around the joint",
                  "a grinding or clicking feeling", "pain that gets worse at the end of the day",
                  "weakness in the muscles around the joint", "trouble bending or straightening the joint"],
        causes=["wear and tear as you get older", "an old injury", "carrying extra weight",
                "a job that puts strain on the same joint", "a family history of joint problems"],
        tests=["an X-ray", "a blood test to rule out other causes", "a physical examination",
               "an ultrasound scan"],
        treatments=["regular exercises from a physiotherapist", "paracetamol or anti-inflammatory gel",
                    "a steroid injection into the joint", "a walking stick or knee support",
                    "a course of physiotherapy", "joint replacement surgery in severe cases"],
        selfcare=["keep moving, even on days when it is sore", "use a warm pack for 15 minutes",
                  "try gentle stretching before you get up", "pace yourself and take short breaks",
                  "wear flat, comfortable shoes with good support",
                  "swim or cycle to keep fit without strain"],
        warnings=["a joint that suddenly becomes hot, red and swollen", "a high temperature with joint pain",
                  "pain after a fall that stops you putting weight on the leg",
                  "numbness or tingling that spreads"],
        pros=["physiotherapist", "GP", "occupational therapist", "orthopaedic team"],
        conditions=[("knee pain", ["knee", "joint pain"]),
                    ("osteoarthritis of the hip", ["hip", "arthritis"]),
                    ("frozen shoulder", ["shoulder", "stiffness"]), ("gout", ["uric acid", "joint pain"]),
                    ("lower back pain", ["back", "posture"]), ("tennis elbow", ["elbow", "tendon"])],
    ),
    "heart": dict(
        body="your heart and blood vessels",
        symptoms=["feeling short of breath when you walk", "a tight feeling in your chest",
                  "a fast or fluttering heartbeat", "swollen ankles by the evening",
                  "feeling tired all the time", "dizziness when you stand up"],
        causes=["smoking", "high blood pressure", "a diet high in salt and fat", "not being active",
                "diabetes", "a family history of heart disease"],
        tests=["a blood pressure check", "an electrocardiogram (ECG), a test of your heart's rhythm",
               "a blood test for cholesterol", "an echocardiogram, an ultrasound scan of the heart"],
        treatments=["tablets to lower your blood pressure", "a statin to lower cholesterol",
                    "a blood thinner to prevent clots", "a cardiac rehabilitation course",
                    "a procedure to widen a narrow artery"],
        selfcare=["check your blood pressure at home", "eat less salt", "walk for 30 minutes on most days",
                  "take your tablets at the same time each day", "keep a list of your medicines with you",
                  "cut down on alcohol"],
        warnings=["chest pain that does not go away after 15 minutes",
                  "sudden weakness in your face, arm or leg", "fainting or collapsing",
                  "severe shortness of breath at rest"],
        pros=["practice nurse", "GP", "heart nurse", "pharmacist"],
        conditions=[("high blood pressure", ["hypertension", "blood pressure"]),
                    ("angina", ["chest pain", "heart"]),
                    ("atrial fibrillation", ["heart rhythm", "palpitations"]),
                    ("high cholesterol", ["cholesterol", "statins"]),
                    ("heart failure", ["heart", "breathlessness"])],
    ),
    "breathing": dict(
        body="your lungs and airways",
        symptoms=["a cough that keeps coming back", "wheezing", "feeling short of breath", "a tight chest",
                  "coughing up phlegm", "waking at night with a cough"],
        causes=["smoking or breathing in other people's smoke", "colds and flu", "pollen and dust",
                "cold air", "exercise in some people", "damp and mould at home"],
        tests=["a peak flow test", "spirometry, a breathing test", "a chest X-ray",
               "a check of how you use your inhaler"],
        treatments=["a preventer inhaler", "a reliever inhaler", "a course of steroid tablets",
                    "antibiotics if there is a bacterial infection",
                    "pulmonary rehabilitation, an exercise and advice course"],
        selfcare=["use your preventer inhaler every day, even when you feel well",
                  "rinse your mouth after using your inhaler", "keep your home warm and well aired",
                  "have your flu vaccine each autumn", "carry your reliever inhaler with you",
                  "follow your written action plan"],
        warnings=["lips or fingertips turning blue", "being too breathless to speak or eat",
                  "a reliever inhaler that does not help", "feeling confused or very drowsy"],
        pros=["asthma nurse", "GP", "respiratory nurse", "pharmacist"],
        conditions=[("asthma", ["asthma", "inhalers"]),
                    ("chronic obstructive pulmonary disease (COPD)", ["COPD", "lungs"]),
                    ("a chest infection", ["chest infection", "cough"]),
                    ("hay fever", ["allergy", "pollen"])],
    ),
    "stomach": dict(
        body="your stomach and bowel",
        symptoms=["heartburn after meals", "bloating", "tummy pain that comes and goes", "feeling sick",
                  "changes in how often you open your bowels", "a sour taste in your mouth"],
        causes=["large or late meals", "spicy or fatty food", "stress", "some medicines, such as ibuprofen",
                "not drinking enough water", "not eating enough fibre"],
        tests=["a stool sample test", "a blood test", "a camera test called an endoscopy",
               "an ultrasound scan"],
        treatments=["antacid medicine from a pharmacy", "a tablet that reduces stomach acid", "a laxative",
                    "a change in diet with help from a dietitian", "an operation in a small number of cases"],
        selfcare=["eat smaller meals more often", "avoid eating in the three hours before bed",
                  "drink plenty of water", "add more fibre to your diet slowly", "keep a food diary",
                  "raise the head of your bed by 10 to 20 centimetres"],
        warnings=["blood in your vomit or poo", "losing weight without trying", "trouble swallowing",
                  "severe tummy pain that does not ease"],
        pros=["GP", "pharmacist", "dietitian", "practice nurse"],
        conditions=[("acid reflux", ["heartburn", "reflux"]), ("irritable bowel syndrome", ["IBS", "bowel"]),
                    ("constipation", ["bowel", "fibre"]), ("gallstones", ["gallbladder", "tummy pain"]),
                    ("coeliac disease", ["gluten", "diet"])],
    ),
    "skin": dict(
        body="your skin",
        symptoms=["dry, itchy patches", "red or darker areas of skin", "skin that cracks or bleeds",
                  "a rash that spreads", "flaky scales on the elbows or knees",
                  "skin that feels hot and tender"],
        causes=["soaps and bubble bath", "stress", "hot weather or sweating", "a cut or insect bite",
                "a family history of skin problems", "some washing powders"],
        tests=["a look at the skin by your GP", "a skin swab", "a patch test for allergies",
               "a blood test in some cases"],
        treatments=["an emollient, a moisturiser you use instead of soap", "a steroid cream for flare-ups",
                    "antibiotic tablets", "light therapy at a hospital clinic", "an antiviral medicine"],
        selfcare=["use your emollient several times a day", "pat your skin dry instead of rubbing it",
                  "keep your nails short", "wear loose cotton clothing", "avoid scratching, even at night",
                  "wash your hands before and after putting on cream"],
        warnings=["a red area that spreads quickly", "a high temperature with a rash", "a rash near your eye",
                  "skin that blisters and peels"],
        pros=["GP", "pharmacist", "dermatology nurse", "practice nurse"],
        conditions=[("eczema", ["eczema", "dry skin"]), ("psoriasis", ["psoriasis", "skin"]),
                    ("cellulitis", ["skin infection", "antibiotics"]), ("shingles", ["shingles", "rash"])],
    ),
    "head": dict(
        body="your head and nerves",
        symptoms=["a throbbing headache on one side", "feeling sick with the headache",
                  "being sensitive to light", "a spinning feeling", "ringing in your ears",
                  "blurred vision before the pain starts"],
        causes=["missed meals", "not enough sleep", "stress", "too much caffeine",
                "using painkillers on too many days", "hormone changes"],
        tests=["a check of your eyes and blood pressure", "a hearing test", "a headache diary",
               "a brain scan in rare cases"],
        treatments=["painkillers taken early in an attack", "a triptan medicine",
                    "a daily preventive medicine", "balance exercises", "talking therapy to manage stress"],
        selfcare=["drink water regularly through the day", "keep to regular sleep times",
                  "take breaks from screens", "eat at regular times",
                  "write down what happened before each attack",
                  "lie down in a dark, quiet room during an attack"],
        warnings=["a sudden, very severe headache", "a headache with a stiff neck and a rash",
                  "weakness or slurred speech", "a headache after a head injury"],
        pros=["GP", "pharmacist", "headache nurse", "audiologist"],
        conditions=[("migraine", ["migraine", "headache"]), ("tension headaches", ["headache", "stress"]),
                    ("vertigo", ["dizziness", "balance"]), ("tinnitus", ["hearing", "ears"])],
    ),
    "mind": dict(
        body="your mood and sleep",
        symptoms=["feeling worried most of the time", "trouble getting to sleep",
                  "losing interest in things you enjoy", "feeling tired even after rest",
                  "a racing heart when you feel anxious", "finding it hard to concentrate"],
        causes=["a stressful event", "money or work worries", "loneliness", "a long-term illness",
                "drinking alcohol to cope", "changes in your routine"],
        tests=["a talk with your GP about how you feel", "a short questionnaire",
               "a blood test to rule out other causes", "a sleep diary"],
        treatments=["talking therapy", "a course of cognitive behavioural therapy (CBT)",
                    "an antidepressant medicine", "guided self-help", "support from a community group"],
        selfcare=["get outside in daylight every day", "keep to a regular bedtime",
                  "talk to someone you trust", "limit caffeine after midday",
                  "try a breathing exercise when you feel tense", "plan one thing you enjoy each day"],
        warnings=["thoughts of harming yourself", "not eating or drinking",
                  "hearing or seeing things others do not", "feeling unable to keep yourself safe"],
        pros=["GP", "talking therapies team", "practice nurse", "community mental health team"],
        conditions=[("anxiety", ["anxiety", "worry"]), ("low mood and depression", ["depression", "mood"]),
                    ("insomnia", ["sleep", "insomnia"]), ("stress", ["stress", "wellbeing"])],
    ),
    "metabolic": dict(
        body="your body's chemistry",
        symptoms=["feeling very thirsty", "passing urine more often", "feeling tired and cold",
                  "weight changes you cannot explain", "cuts that heal slowly",
                  "pale skin and breathlessness"],
        causes=["carrying extra weight", "your genes", "not getting enough iron in your diet",
                "heavy periods", "an immune system problem", "some medicines"],
        tests=["a blood test called HbA1c", "a thyroid blood test", "a full blood count", "a urine test"],
        treatments=["tablets such as metformin", "insulin injections", "a daily thyroid hormone tablet",
                    "iron tablets", "a structured education course"],
        selfcare=["check your feet every day", "eat regular meals with plenty of vegetables",
                  "take your tablets with water as your pharmacist explains",
                  "go to every eye screening appointment", "keep active in ways you enjoy",
                  "keep a record of your blood test results"],
        warnings=["being very drowsy or confused", "vomiting and not able to keep fluids down",
                  "a foot sore that is red or smells", "fast breathing and a fruity smell on the breath"],
        pros=["diabetes nurse", "GP", "pharmacist", "dietitian"],
        conditions=[("type 2 diabetes", ["diabetes", "blood sugar"]),
                    ("an underactive thyroid", ["thyroid", "hormones"]),
                    ("iron deficiency anaemia", ["anaemia", "iron"])],
    ),
}

TIMES = ["a few days", "one to two weeks", "about six weeks", "two or three months", "a few months",
         "up to a year"]
OFTEN = ["every day", "most days", "twice a day", "once a week", "at the same time each day", "each evening"]
LIFESTYLE = ["eat a balanced diet with plenty of fruit and vegetables", "keep to a healthy weight",
             "stop smoking", "cut down on alcohol", "stay active", "get enough sleep",
             "drink enough water through the day"]
PEOPLE = ["a family member", "a friend", "your partner", "a carer", "a neighbour"]
FEELINGS = ["worried", "tired", "frustrated", "low", "anxious", "alone"]

# Sentences by section kind; "any" sentences fit every section. {c} is the condition, {C} capitalised.
SENTENCES = {
    "any": [
        "Your {pro} can help if you are not sure what to do.",
        "It is normal to feel {feeling} when you are first told you have {c}.",
        "Everyone is different, so your plan may not be the same as someone else's.",
        "Write down any questions before your appointment so you do not forget them.",
        "You can bring {person} with you to your appointments.",
        "If English is not your first language, ask for an interpreter. This is free.",
        "Small changes, made one at a time, are easier to keep up.",
        "Ask your {pro} to explain anything in this leaflet that is not clear.",
    ],
    "about": [
        "{C} is a common condition that affects {body}.",
        "Many people live with {c} for years and carry on with their usual life.",
        "{C} can affect people of any age, but it is more common as we get older.",
        "With the right support, most people with {c} can manage it well.",
        "{C} is not catching, so you cannot pass it on to others.",
        "Some people have only mild symptoms, while others find that {c} affects their daily life.",
        "Doctors do not always know why one person gets {c} and another does not.",
        "The word {c} describes a group of symptoms rather than one single illness.",
        "Your {pro} can tell you how {c} is likely to affect you.",
        "For most people, {c} is a long-term condition that changes over time.",
        "Knowing more about {c} can make it feel less frightening.",
        "This leaflet gives general advice; your care team will tailor it to you.",
    ],
    "causes": [
        "{Cause} can make {c} more likely.",
        "In some people, {cause} seems to set off {c}.",
        "{C} often has more than one cause.",
        "You may notice that {cause} makes your symptoms worse.",
        "It can help to know what brings on your symptoms, so that you can avoid it where possible.",
        "{Cause} and {cause2} are two of the most common triggers.",
        "Sometimes there is no clear reason why {c} starts.",
        "Keeping a diary can help you spot a link between {cause} and your symptoms.",
        "You cannot change some causes, such as your age or your genes, but you can change others.",
        "Your {pro} may ask whether {cause} could play a part.",
        "Cutting down on {cause} may lower your risk of a flare-up.",
    ],
    "symptoms": [
        "The most common sign is {symptom}.",
        "Some people also have {symptom} or {symptom2}.",
        "Symptoms can come and go over {time}.",
        "You may find that {symptom} is worse at certain times of day.",
        "Tell your {pro} if you notice {symptom} that is new or getting worse.",
        "Not everyone with {c} has every symptom.",
        "Symptoms are often mild at first and build up slowly.",
        "Some people notice {symptom} only after exercise or at night.",
        "A flare-up is when your symptoms suddenly get worse for a while.",
        "Keep a note of when {symptom} starts and how long it lasts.",
        "{Symptom} can also be caused by other conditions, so it is worth getting checked.",
    ],
    "diagnosis": [
        "Your {pro} will ask about your symptoms and how long you have had them.",
        "You may need {test} to find out more.",
        "{Test} helps your care team rule out other causes.",
        "Most tests can be done at your GP surgery.",
        "Most results come back within two weeks, but some take longer.",
        "Your {pro} will explain what the results mean for you.",
        "You do not usually need to prepare for {test}.",
        "If you need {test}, you will get a letter telling you where to go.",
        "Sometimes one test is not enough and you may be asked to come back.",
        "Bring a list of your medicines to your appointment.",
        "Ask when and how you will hear about your results.",
    ],
    "treatment": [
        "The main treatment is {treatment}.",
        "Your {pro} may suggest {treatment} if your symptoms do not get better within {time}.",
        "Some people also need {treatment2}.",
        "Treatment works best when you {selfcare} as well.",
        "It can take {time} before you notice a difference.",
        "Keep taking your medicine even when you feel well, unless your {pro} tells you to stop.",
        "Ask your pharmacist about side effects before you start a new medicine.",
        "If {treatment} does not suit you, there are other options to try.",
        "Your {pro} will check how you are getting on after {time}.",
        "Do not stop a medicine suddenly without talking to your {pro} first.",
        "Some treatments can be bought from a pharmacy without a prescription.",
        "Tell your {pro} about any other medicines, herbal remedies or supplements you take.",
    ],
    "selfcare": [
        "Try to {selfcare}.",
        "It also helps to {life}.",
        "Many people find it useful to {selfcare}.",
        "If you {selfcare}, your symptoms may ease over {time}.",
        "Set small goals and build up slowly.",
        "Ask {person} to help you keep to your plan.",
        "Choose one change to start with, such as trying to {selfcare}.",
        "Do not worry if you have a bad day; start again the next morning.",
        "A short walk {often} is a good place to start.",
        "Keep any medicines you use somewhere easy to reach.",
        "Notice what helps you most and do more of it.",
    ],
    "help": [
        "Call 999 straight away if you have {warning}.",
        "Contact your GP surgery the same day if {symptom} is much worse than usual.",
        "Outside surgery hours, call NHS 111 for advice.",
        "Do not wait to see if {warning} gets better on its own.",
        "If you are not sure whether it is urgent, it is always better to ask.",
        "Keep the number of your GP surgery somewhere easy to find.",
        "If you care for someone with {c}, make sure they know these warning signs too.",
        "Make an appointment with your {pro} if your symptoms are not improving after {time}.",
        "In an emergency, tell the ambulance crew about your medicines and conditions.",
    ],
    "living": [
        "Most people with {c} can keep working and doing the things they enjoy.",
        "It can help to talk to others who have {c}.",
        "You may need to plan ahead for holidays, work or busy days.",
        "Tell your employer if {c} affects your work. They may be able to make changes to help you.",
        "Looking after your general health will help you cope better with {c}.",
        "Try to {life}, as this helps your whole body.",
        "Charities and support groups can put you in touch with people in a similar situation.",
        "You may be able to get help with travel costs to hospital appointments.",
        "It is fine to say no to things when you need to rest.",
        "Feeling {feeling} from time to time is common; talk to your {pro} if it does not lift.",
        "Let {person} know how they can help you on difficult days.",
    ],
}

SECTION_TITLES = {
    "about": ["What is {c}?", "About {c}", "Understanding {c}"],
    "causes": ["What causes {c}", "Why it happens", "Triggers and causes"],
    "symptoms": ["Symptoms to look out for", "Signs of {c}", "How {c} can affect you"],
    "diagnosis": ["How {c} is diagnosed", "Tests you may need", "Finding out what is wrong"],
    "treatment": ["Treatment options", "How {c} is treated", "Medicines and other treatments"],
    "selfcare": ["Looking after yourself at home", "Things you can do to help", "Self-care tips"],
    "living": ["Living with {c}", "Work, travel and daily life", "Getting support"],
    "help": ["When to get help", "Getting urgent help", "When to call your GP or 999"],
}
TITLE_FORMS = ["{C}", "Living with {c}", "{C}: what you need to know", "Managing {c} at home",
               "Understanding {c}", "{C}: your questions answered", "Caring for someone with {c}"]
SUMMARIES = [
    "This leaflet explains what {c} is, what can cause it and how it is treated.",
    "Read this leaflet to learn how {c} affects {body} and what you can do to feel better.",
    "This leaflet is for people who have been told they have {c}, and for their families.",
]
SUMMARY_ENDS = ["It also tells you when to get help.", "It includes simple steps you can take at home.",
                "It lists the signs that mean you should get help quickly."]
PUBLISHERS = [("NHS", "https://www.nhs.uk/conditions/"),
              ("National Institute for Health and Care Excellence", "https://www.nice.org.uk/guidance/conditions/"),
              ("Patient Information Forum", "https://pifonline.example/topics/"),
              ("British Red Cross", "https://www.redcross.example/first-aid/")]

AUTHORS = {
    "editorial-team": ("Riverside Community Health Editorial Team", "Nurses, GPs and patient reviewers",
                       "The editorial team writes and updates all Riverside Community Health patient "
                       "leaflets. Each leaflet is drafted by a nurse or GP, checked by a second clinician "
                       "and read by patient reviewers to make sure it is clear."),
    "physio-service": ("Riverside Musculoskeletal Physiotherapy Service", "Chartered physiotherapists",
                       "The physiotherapy service sees adults with joint, muscle and back problems across "
                       "the district. Its leaflets answer the questions patients ask most often in clinic."),
    "priya-natarajan": ("Priya Natarajan", "MPharm, lead pharmacist",
                        "Priya Natarajan leads the community pharmacy team at Riverside. She has worked with "
                        "patients on long-term medicines for fifteen years and runs the medicines helpline."),
    "daniel-okafor": ("Daniel Okafor", "RN, specialist nurse for long-term conditions",
                      "Daniel Okafor is a specialist nurse who helps people manage heart, lung and diabetes "
                      "conditions at home. He trains practice nurses and writes for the patient newsletter."),
}
AREA_AUTHOR = {"joints": "physio-service", "heart": "daniel-okafor", "breathing": "daniel-okafor",
               "metabolic": "daniel-okafor", "stomach": "priya-natarajan", "skin": "priya-natarajan"}


# --- Generation ------------------------------------------------------------------------------------------


@dataclass
class Block:
    kind: str  # p, ul, ol, h3, table, img, and "fixed": a paragraph that is not extended
    lines: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        if self.kind in ("p", "fixed"):
            return " ".join(self.lines)
        if self.kind == "ul":
            return "\n".join(f"- {line}" for line in self.lines)
        if self.kind == "ol":
            return "\n".join(f"{number}. {line}" for number, line in enumerate(self.lines, start=1))
        if self.kind == "h3":
            return f"### {self.lines[0]}"
        return "\n".join(self.lines)  # table and img are written whole


def words(text: str) -> int:
    """Words as a reader counts them: whitespace-separated tokens holding a letter or digit."""
    return sum(1 for token in text.split() if WORD.search(token))


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Writer:
    """Writes the body of one leaflet about one condition, from one random.Random."""

    def __init__(self, rng: random.Random, area: str, condition: str) -> None:
        self.rng, self.vocab, self.c = rng, AREAS[area], condition
        self.general: set[str] = set()  # "any" sentences already used anywhere in this leaflet

    def fill(self, template: str) -> str:
        pick, v = self.rng.choice, self.vocab
        two = lambda items: self.rng.sample(items, 2)  # noqa: E731
        symptom, symptom2 = two(v["symptoms"])
        cause, cause2 = two(v["causes"])
        treatment, treatment2 = two(v["treatments"])
        test = pick(v["tests"])
        values = dict(c=self.c, C=capital(self.c), body=v["body"], symptom=symptom, Symptom=capital(symptom),
                      symptom2=symptom2, cause=cause, cause2=cause2, Cause=capital(cause), test=test,
                      Test=capital(test), treatment=treatment, treatment2=treatment2)
        values.update(selfcare=pick(v["selfcare"]), warning=pick(v["warnings"]), pro=pick(v["pros"]),
                      time=pick(TIMES), often=pick(OFTEN), life=pick(LIFESTYLE), person=pick(PEOPLE),
                      feeling=pick(FEELINGS))
        return capital(template.format(**values))

    def sentence(self, kind: str, used: set[str]) -> str:
        """A sentence for a section of this kind (now and then a general one, each at most once a leaflet);
        a section repeats a template only when it has used all of its own."""
        general = [t for t in SENTENCES["any"] if t not in self.general]
        if general and self.rng.random() < 0.25:
            template = self.rng.choice(general)
            self.general.add(template)
        else:
            own = SENTENCES[kind]
            template = self.rng.choice([t for t in own if t not in used] or own)
            used.add(template)
        return self.fill(template)

    def bullets(self, kind: str) -> Block:
        key = {"symptoms": "symptoms", "causes": "causes", "help": "warnings", "diagnosis": "tests",
               "treatment": "treatments"}.get(kind, "selfcare")
        items = self.rng.sample(self.vocab[key], self.rng.randint(3, min(5, len(self.vocab[key]))))
        return Block("ul", [capital(item) for item in items])

    def steps(self) -> Block:
        items = self.rng.sample(self.vocab["selfcare"], self.rng.randint(3, 5))
        steps = [capital(item) + "." for item in items]
        pro = self.rng.choice(self.vocab["pros"])
        steps.append(f"Tell your {pro} how you got on at your next appointment.")
        return Block("ol", steps)

    def table(self) -> Block:
        rows = self.rng.sample(self.vocab["symptoms"], self.rng.randint(3, 5))
        advice = ["Try the self-care steps in this leaflet.", "Book a routine appointment with your GP.",
                  "Contact your GP surgery today.", "Call NHS 111 for advice.",
                  "Keep a note of it in your diary."]
        how = ["Common", "Quite common", "Less common", "Rare"]
        lines = ["| What you notice | How common it is | What to do |", "| --- | --- | --- |"]
        lines += [f"| {capital(row)} | {self.rng.choice(how)} | {self.rng.choice(advice)} |" for row in rows]
        return Block("table", lines)


def section_kinds(rng: random.Random, count: int) -> list[str]:
    """`count` section kinds in a sensible reading order: about first, help last, the rest in between."""
    middle = ["causes", "symptoms", "diagnosis", "treatment", "selfcare", "living"]
    if count <= 8:
        chosen = sorted(rng.sample(middle, count - 2), key=middle.index)
        return ["about", *chosen, "help"]
    return ["about", *(rng.choice(middle) for _ in range(count - 2)), "help"]  # giant leaflets


def make_body(rng: random.Random, area: str, condition: str, target: int, sections: int,
              tables: int, image: bool) -> tuple[str, int]:
    """A Markdown body of about `target` words (never fewer) with the given number of sections and tables."""
    writer = Writer(rng, area, condition)
    kinds = section_kinds(rng, sections)
    titles: list[str] = []
    for kind in kinds:
        options = [t for t in SECTION_TITLES[kind] if capital(t.format(c=condition)) not in titles]
        titles.append(capital(rng.choice(options or SECTION_TITLES[kind]).format(c=condition)))
    used: list[set[str]] = [set() for _ in kinds]  # templates each section has used
    intro = [Block("p", [writer.sentence("about", used[0]) for _ in range(2)])]
    bodies: list[list[Block]] = []
    table_at = set(rng.sample(range(1, sections), min(tables, sections - 1)))
    steps_at = next(i for i, kind in enumerate(kinds) if kind != "about")  # at least one numbered list
    steps_at = next((i for i, kind in enumerate(kinds) if kind in ("selfcare", "treatment")), steps_at)
    for index, kind in enumerate(kinds):
        seen = used[index]
        blocks = [Block("p", [writer.sentence(kind, seen), writer.sentence(kind, seen)])]
        if kind == "selfcare" and rng.random() < 0.5:
            blocks.append(Block("h3", ["Day to day"]))
            blocks.append(Block("p", [writer.sentence(kind, seen)]))
        if index == steps_at or (kind in ("selfcare", "treatment", "living") and rng.random() < 0.3):
            blocks.append(writer.steps())
        if index != steps_at or rng.random() < 0.3:
            blocks.append(writer.bullets(kind))
        if index in table_at:
            blocks.append(Block("fixed", ["This table shows what to do about the most common problems."]))
            blocks.append(writer.table())
        bodies.append(blocks)
    if image and len(bodies) > 1:
        alt = "A person sitting at a table with a blood pressure cuff on their upper arm, next to a monitor"
        bodies[1].insert(1, Block("img", [f"![{alt}](../assets/images/{IMAGE})"]))
    count = sum(words(block.markdown()) for block in intro + [b for blocks in bodies for b in blocks])
    count += sum(words(title) for title in titles)
    while count < target:
        # Prefer sections with templates left, so a section repeats itself only when all of them have no more.
        fresh = [i for i, kind in enumerate(kinds) if len(used[i]) < len(SENTENCES[kind])]
        index = rng.choice(fresh) if fresh else rng.randrange(len(kinds))
        paragraphs = [block for block in bodies[index] if block.kind == "p"]
        paragraph = paragraphs[-1]
        if len(paragraph.lines) >= rng.randint(3, 6):  # start a new paragraph after the section's lists
            paragraph = Block("p", [])
            bodies[index].append(paragraph)
        sentence = writer.sentence(kinds[index], used[index])
        paragraph.lines.append(sentence)
        count += words(sentence)
    parts = [block.markdown() for block in intro]
    for title, blocks in zip(titles, bodies, strict=True):
        parts.append(f"## {title}")
        parts.extend(block.markdown() for block in blocks)
    text = "\n\n".join(parts) + "\n"
    return text, words(text)


@dataclass(frozen=True)
class Made:
    slug: str
    words: int
    sections: int
    table: bool
    image: bool


def front_matter(rng: random.Random, number: int, area: str, condition: str, keywords: list[str],
                 title: str) -> str:
    """The YAML front matter, written the way an editor would (strings quoted where YAML needs it)."""
    q = lambda text: json.dumps(text, ensure_ascii=False)  # noqa: E731  (a JSON string is a YAML string)
    published = date(2023, 1, 2) + timedelta(days=rng.randrange(3 * 365))
    updated = published + timedelta(days=rng.randint(30, 500)) if rng.random() < 0.5 else None
    review = published + timedelta(days=6 * 365)  # far enough ahead that the quality checks pass it for years
    authors = [AREA_AUTHOR.get(area, "editorial-team")]
    if authors[0] != "editorial-team" and rng.random() < 0.6:
        authors.append("editorial-team")
    vocab = dict(c=condition, C=capital(condition), body=AREAS[area]["body"])
    summary = f"{rng.choice(SUMMARIES).format(**vocab)} {rng.choice(SUMMARY_ENDS)}"
    lines = ["---", f"title: {q(title)}", "summary: >-", f"  {summary}", "authors:"]
    lines += [f"  - {key}" for key in authors]
    lines += [f"published: {published.isoformat()}"]
    if updated:
        lines.append(f"updated: {updated.isoformat()}")
    lines += [f"review: {review.isoformat()}", f"edition: {2 if updated else 1}", f"id: PIL-{number:04d}",
              "lang: en-GB", "keywords:"]
    lines += [f"  - {q(word)}" for word in dict.fromkeys([*keywords, condition])]
    lines.append("sources:")
    for publisher, base in rng.sample(PUBLISHERS, rng.randint(1, 3)):
        lines += [f"  - title: {q(capital(condition))}", f"    publisher: {q(publisher)}",
                  f"    year: {rng.randint(2019, published.year)}", f"    url: {base}{slugify(condition)}/",
                  f"    accessed: {(published - timedelta(days=rng.randint(5, 60))).isoformat()}"]
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def make_leaflet(rng: random.Random, number: int, target: int | None = None) -> tuple[str, str, Made]:
    """(slug, file text, description) of leaflet `number`; `target` words for a giant leaflet."""
    area = rng.choice(sorted(AREAS))
    condition, keywords = rng.choice(AREAS[area]["conditions"])
    title = rng.choice(TITLE_FORMS).format(c=condition, C=capital(condition))
    if target is None:
        target = rng.randint(WORDS_MIN + 20, WORDS_MAX - 60)
        sections, tables, image = rng.randint(4, 7), int(rng.random() < 1 / 3), rng.random() < 0.2
    else:
        sections = max(4, target // 170)
        tables, image = sections // 3, True
        title = f"{capital(condition)}: the complete guide"
    slug = f"{slugify(title)}-{number:04d}"
    body, count = make_body(rng, area, condition, target, sections, tables, image)
    text = front_matter(rng, number, area, condition, keywords, title) + body
    return slug, text, Made(slug, count, sections, tables > 0, image)


def project_files(root: Path) -> None:
    """leafbind.toml, authors.yaml and the assets both publish and plain WeasyPrint read."""
    (root / "leaflets").mkdir(parents=True, exist_ok=True)
    (root / "leafbind.toml").write_text(
        'organisation = "Riverside Community Health"\n'
        'logo = "assets/logos/riverside.svg"\n'
        'website = "https://leaflets.riverside-health.example/"\n'
        'page_size = "a4"\n'
        'citation_styles = ["apa", "mla", "ama", "harvard"]\n', encoding="utf-8")
    entries = []
    for key, (name, credentials, bio) in AUTHORS.items():
        entries.append(f"{key}:\n  name: {name}\n  credentials: {credentials}\n  bio: >-\n    {bio}\n")
    (root / "leaflets" / "authors.yaml").write_text("\n".join(entries), encoding="utf-8")
    for folder, pattern in (("fonts", "*"), ("logos", "riverside.svg"), ("images", IMAGE)):
        target = root / "assets" / folder
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted((REPO / "assets" / folder).glob(pattern)):
            if path.is_file():
                shutil.copy2(path, target / path.name)


def generate(root: Path, count: int, seed: int = 2026, giant: int | None = None) -> list[Made]:
    """Write a project of `count` leaflets (and one of about `giant` words) into `root`; returns what it made.

    Leaflet i depends only on (seed, i), so the first 20 leaflets of a 1,000-leaflet catalogue are the
    20-leaflet catalogue.
    """
    project_files(root)
    made = []
    jobs = [(number, None) for number in range(1, count + 1)]
    if giant:
        jobs.append((9000 + count + 1, giant))
    for number, target in jobs:
        rng = random.Random(f"{seed}/{number}/{target}")
        slug, text, info = make_leaflet(rng, number, target)
        if target is None and not WORDS_MIN <= info.words <= WORDS_MAX:
            raise AssertionError(f"{slug}: {info.words} words, outside {WORDS_MIN}-{WORDS_MAX}")
        (root / "leaflets" / f"{slug}.md").write_text(text, encoding="utf-8")
        made.append(info)
    return made


def describe(made: list[Made]) -> dict:
    counts = [m.words for m in made]
    return {"leaflets": len(made), "words_min": min(counts, default=0), "words_max": max(counts, default=0),
            "words_mean": round(sum(counts) / len(counts)) if counts else 0,
            "sections_min": min((m.sections for m in made), default=0),
            "sections_max": max((m.sections for m in made), default=0),
            "with_table": sum(m.table for m in made), "with_image": sum(m.image for m in made)}


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a deterministic synthetic leafbind project.")
    parser.add_argument("root", type=Path, help="folder to write the project into (created if missing)")
    parser.add_argument("--count", type=int, default=20, help="number of ordinary leaflets (default 20)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument("--giant", type=int, default=None, metavar="WORDS",
                        help="add one leaflet of about WORDS words")
    args = parser.parse_args()
    made = generate(args.root, args.count, args.seed, args.giant)
    print(json.dumps(describe(made), indent=2))


if __name__ == "__main__":
    main()
