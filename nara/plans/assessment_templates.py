"""Structured assessments and conversations, defined as data: the one place their items, results and actions live.

Each `Template` has a key (stored in StructuredAssessment.template and used in URLs), a Swedish title, a version
(stored with every filled-in assessment, so an old one is shown with the items it was made with), sections of
items, a `ResultRule` saying how the result is reached, and the suggested actions the assessor chooses among.

Item kinds:
  yesno   "Ja"/"Nej" (stored as "yes"/"no")
  choice  one of the item's options (stored as the option id)
  number  a whole number between min_value and max_value
  text    free text
  scale   a whole number from min_value to max_value, with words for the two ends

Results are either
  derived  from the items: every item's `points` for the given answer are summed and the highest threshold reached
           gives the result. The rules here are simple local rules written for Nära, not validated instruments,
           and the form says so; the assessor's clinical judgement decides the actions.
  chosen   by the assessor among the outcomes (used where there is no licence-free scoring rule, and for the
           conversations, whose outcome is a judgement).

The risk assessments cover the four areas Senior Alert follows (falls, pressure ulcers, malnutrition, oral health).
Their items are worded for Nära; no text of proprietary instruments (Downton, Norton, MNA, ROAG …) is copied.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

YESNO, CHOICE, NUMBER, TEXT, SCALE = "yesno", "choice", "number", "text", "scale"
KINDS = (YESNO, CHOICE, NUMBER, TEXT, SCALE)
DERIVED, CHOSEN = "derived", "chosen"
CONVERSATION, RISK = "conversation", "risk"


@dataclass(frozen=True)
class Option:
    id: str
    label: str


YES_NO = (Option("yes", _("Ja")), Option("no", _("Nej")))


@dataclass(frozen=True)
class Item:
    id: str
    label: str
    kind: str
    options: tuple[Option, ...] = ()
    required: bool | None = None  # None: required unless the kind is text
    help: str = ""
    min_value: int | None = None
    max_value: int | None = None
    low_label: str = ""  # scale: what the lowest value means
    high_label: str = ""
    points: dict = field(default_factory=dict)  # answer (option id) -> risk points, for derived results
    required_if: tuple[str, str] | None = None  # (item id, answer): required when that item has that answer

    @property
    def is_required(self) -> bool:
        return self.kind != TEXT if self.required is None else self.required

    def choices(self) -> tuple[Option, ...]:
        if self.kind == YESNO:
            return YES_NO
        if self.kind == SCALE:
            return tuple(Option(str(v), str(v)) for v in range(self.min_value, self.max_value + 1))
        return self.options

    def display(self, value) -> str:
        """The stored answer in words."""
        if value in (None, ""):
            return "–"
        if self.kind in (YESNO, CHOICE):
            for opt in self.choices():
                if opt.id == value:
                    return str(opt.label)
            return str(value)
        if self.kind == SCALE:
            return f"{value} ({self.min_value} = {self.low_label}, {self.max_value} = {self.high_label})"
        return str(value)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Action:
    id: str
    label: str


@dataclass(frozen=True)
class ResultRule:
    mode: str  # DERIVED or CHOSEN
    outcomes: tuple[Option, ...]
    description: str
    thresholds: tuple[tuple[int, str], ...] = ()  # (minimum points, outcome id), ascending; derived only


@dataclass(frozen=True)
class Template:
    key: str
    title: str
    version: int
    kind: str  # CONVERSATION or RISK
    intro: str
    sections: tuple[Section, ...]
    result: ResultRule
    actions: tuple[Action, ...]

    @property
    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]

    def item(self, item_id: str) -> Item:
        return next(i for i in self.items if i.id == item_id)

    def points(self, answers: dict) -> int:
        total = 0
        for item in self.items:
            total += item.points.get(answers.get(item.id), 0)
        return total

    def derive(self, answers: dict) -> str | None:
        """The derived outcome id for the answers (None for a chosen result)."""
        if self.result.mode != DERIVED:
            return None
        points = self.points(answers)
        outcome = None
        for minimum, outcome_id in self.result.thresholds:
            if points >= minimum:
                outcome = outcome_id
        return outcome

    def outcome_label(self, outcome_id: str) -> str:
        for opt in self.result.outcomes:
            if opt.id == outcome_id:
                return str(opt.label)
        return outcome_id or ""

    def action_label(self, action_id: str) -> str:
        for action in self.actions:
            if action.id == action_id:
                return str(action.label)
        return action_id

    def answered_sections(self, answers: dict) -> list[tuple[Section, list[tuple[Item, str]]]]:
        """Each section with (item, answer in words), for the detail page."""
        return [(s, [(i, i.display(answers.get(i.id))) for i in s.items]) for s in self.sections]


# --- shared pieces ---------------------------------------------------------------------------------------------

RISK_OUTCOMES = (
    Option("none", _("Ingen risk")),
    Option("risk", _("Risk")),
    Option("high", _("Hög risk")),
)
RISK_THRESHOLDS = ((0, "none"), (1, "risk"), (3, "high"))
RISK_RULE_TEXT = _(
    "Resultatet räknas fram ur svaren: varje svar som tyder på risk ger poäng (se frågorna). "
    "0 poäng = ingen risk, 1–2 poäng = risk, 3 poäng eller mer = hög risk. Regeln är en enkel lokal regel, "
    "inte ett validerat instrument; använd ditt kliniska omdöme när du väljer åtgärder."
)
HELP_CHOICES = (
    Option("independent", _("Klarar sig själv")),
    Option("some_help", _("Behöver viss hjälp")),
    Option("much_help", _("Behöver mycket hjälp")),
)
LONELINESS = (
    Option("rarely", _("Sällan eller aldrig")),
    Option("sometimes", _("Ibland")),
    Option("often", _("Ofta")),
)


def _health_scale(item_id: str) -> Item:
    return Item(
        item_id,
        _("Hur bedömer personen själv sin hälsa?"),
        SCALE,
        min_value=1,
        max_value=5,
        low_label=_("mycket dålig"),
        high_label=_("mycket god"),
    )


# --- Hälsosamtal ---------------------------------------------------------------------------------------------

HEALTH_TALK = Template(
    key="halsosamtal",
    title=_("Hälsosamtal för äldre"),
    version=1,
    kind=CONVERSATION,
    intro=_(
        "Ett förebyggande samtal om hälsa och levnadsvanor för personer 60+, 70+ eller 75+. "
        "Åldersgruppen föreslås utifrån personens ålder."
    ),
    sections=(
        Section(
            "background",
            _("Bakgrund"),
            (
                Item(
                    "age_group",
                    _("Åldersgrupp"),
                    CHOICE,
                    (Option("60", _("60+")), Option("70", _("70+")), Option("75", _("75+"))),
                ),
                Item("relative_present", _("Deltar någon närstående i samtalet?"), YESNO),
            ),
        ),
        Section(
            "health",
            _("Hälsa"),
            (
                _health_scale("self_rated_health"),
                Item("health_concerns", _("Besvär eller symtom som personen tar upp"), TEXT),
            ),
        ),
        Section(
            "habits",
            _("Levnadsvanor"),
            (
                Item(
                    "physical_activity",
                    _("Fysisk aktivitet (minst en halvtimmes vardagsmotion)"),
                    CHOICE,
                    (
                        Option("daily", _("Dagligen")),
                        Option("weekly", _("Några gånger i veckan")),
                        Option("rarely", _("Sällan eller aldrig")),
                    ),
                ),
                Item(
                    "alcohol",
                    _("Alkohol"),
                    CHOICE,
                    (
                        Option("none", _("Dricker inte alkohol")),
                        Option("moderate", _("Dricker måttligt")),
                        Option("concern", _("Dricker mer än måttligt eller oro för alkoholen")),
                    ),
                ),
                Item(
                    "tobacco",
                    _("Tobak"),
                    CHOICE,
                    (
                        Option("never", _("Har aldrig använt tobak")),
                        Option("former", _("Har slutat")),
                        Option("current", _("Röker eller snusar")),
                    ),
                ),
                Item("regular_meals", _("Äter personen regelbundet, minst tre måltider om dagen?"), YESNO),
            ),
        ),
        Section(
            "falls",
            _("Fall"),
            (
                Item("fallen_last_year", _("Har personen fallit det senaste året?"), YESNO),
                Item("fear_of_falling", _("Är personen rädd för att falla?"), YESNO),
            ),
        ),
        Section(
            "nutrition",
            _("Nutrition"),
            (
                Item(
                    "weight_loss",
                    _("Har personen gått ner i vikt utan att vilja det det senaste halvåret?"),
                    YESNO,
                ),
                Item("poor_appetite", _("Har aptiten blivit sämre?"), YESNO),
            ),
        ),
        Section(
            "oral",
            _("Munhälsa"),
            (
                Item("dental_care", _("Går personen regelbundet till tandvården?"), YESNO),
                Item(
                    "mouth_problems",
                    _("Besvär från mun, tänder eller protes (t.ex. smärta, muntorrhet, svårt att tugga)?"),
                    YESNO,
                ),
            ),
        ),
        Section(
            "memory",
            _("Minne"),
            (
                Item(
                    "memory_concern",
                    _("Upplever personen eller närstående att minnet har blivit sämre?"),
                    YESNO,
                ),
            ),
        ),
        Section(
            "medicines",
            _("Läkemedel"),
            (
                Item(
                    "medicines_count",
                    _("Antal läkemedel som personen tar regelbundet"),
                    NUMBER,
                    min_value=0,
                    max_value=60,
                ),
                Item("medicine_problems", _("Biverkningar eller svårt att hantera läkemedlen?"), YESNO),
            ),
        ),
        Section(
            "social",
            _("Ensamhet och socialt liv"),
            (
                Item("loneliness", _("Känner sig personen ensam?"), CHOICE, LONELINESS),
                Item("social_life", _("Sociala kontakter och aktiviteter"), TEXT),
            ),
        ),
        Section(
            "relatives",
            _("Närstående"),
            (
                Item("has_helping_relatives", _("Har personen närstående som hjälper till?"), YESNO),
                Item("relative_needs_support", _("Behöver någon närstående själv stöd?"), YESNO),
            ),
        ),
        Section(
            "matters",
            _("Det som är viktigt för personen"),
            (
                Item(
                    "what_matters",
                    _("Vad är viktigt för personen? Skriv med personens egna ord."),
                    TEXT,
                    required=True,
                ),
            ),
        ),
    ),
    result=ResultRule(
        CHOSEN,
        (
            Option("no_action", _("Inga uppföljande åtgärder behövs nu")),
            Option("follow_up", _("Uppföljande åtgärder planeras")),
            Option("further", _("Vidare bedömning behövs")),
        ),
        _("Den som håller i samtalet väljer utfallet tillsammans med personen."),
    ),
    actions=(
        Action("fall_prevention", _("Erbjuda fallprevention")),
        Action("medication_review", _("Läkemedelsgenomgång")),
        Action("dental_referral", _("Kontakt med eller remiss till tandvården")),
        Action("nutrition", _("Nutritionsbedömning")),
        Action("memory", _("Minnesbedömning")),
        Action("physical_activity", _("Fysisk aktivitet på recept (FaR)")),
        Action("social", _("Information om träffpunkter och sociala aktiviteter")),
        Action("relative_support", _("Erbjuda anhörigstöd")),
        Action("cfs", _("CFS-bedömning")),
        Action("mapping", _("Kartläggande samtal")),
        Action("sip", _("Initiera SIP")),
    ),
)


# --- Kartläggande samtal ---------------------------------------------------------------------------------------

MAPPING_TALK = Template(
    key="kartlaggande-samtal",
    title=_("Kartläggande samtal"),
    version=1,
    kind=CONVERSATION,
    intro=_(
        "Ett fördjupat samtal med personer som har mer att berätta: livssituation, vardag, hälsa, boende, nätverk, "
        "det som är viktigt och önskemål inför framtiden, och den närmaste anhöriges behov av stöd."
    ),
    sections=(
        Section(
            "life",
            _("Livssituation"),
            (
                Item(
                    "living",
                    _("Boende"),
                    CHOICE,
                    (
                        Option("alone", _("Bor ensam")),
                        Option("partner", _("Bor med make, maka eller partner")),
                        Option("others", _("Bor med andra")),
                        Option("special_housing", _("Bor i särskilt boende")),
                    ),
                ),
                Item("life_situation", _("Livssituationen med personens egna ord"), TEXT, required=True),
            ),
        ),
        Section(
            "daily",
            _("Funktion i vardagen"),
            (
                Item(
                    "personal_care", _("Personlig vård (t.ex. hygien och påklädning)"), CHOICE, HELP_CHOICES
                ),
                Item("household", _("Hushåll (t.ex. matlagning, städning och inköp)"), CHOICE, HELP_CHOICES),
                Item("mobility", _("Förflyttning och att ta sig ut"), CHOICE, HELP_CHOICES),
                Item("current_services", _("Insatser i dag (hemtjänst, hemsjukvård, hjälpmedel)"), TEXT),
            ),
        ),
        Section(
            "health",
            _("Hälsa"),
            (
                _health_scale("self_rated_health"),
                Item("health_issues", _("Hälsoproblem och symtom som påverkar vardagen"), TEXT),
            ),
        ),
        Section(
            "medicines",
            _("Läkemedel"),
            (
                Item(
                    "medicines_count",
                    _("Antal läkemedel som personen tar regelbundet"),
                    NUMBER,
                    min_value=0,
                    max_value=60,
                ),
                Item(
                    "medicine_handling",
                    _("Vem sköter läkemedlen?"),
                    CHOICE,
                    (
                        Option("self", _("Personen själv")),
                        Option("relative", _("En närstående")),
                        Option("staff", _("Personal")),
                    ),
                ),
            ),
        ),
        Section(
            "home",
            _("Boende och trygghet"),
            (
                Item("home_obstacles", _("Finns hinder i bostaden (trappor, trösklar, badrum)?"), YESNO),
                Item("safety_alarm", _("Har personen trygghetslarm?"), YESNO),
                Item("feels_safe", _("Känner sig personen trygg hemma?"), YESNO),
            ),
        ),
        Section(
            "network",
            _("Socialt nätverk"),
            (
                Item("network", _("Vilka finns runt personen (familj, vänner, grannar, föreningar)?"), TEXT),
                Item("loneliness", _("Känner sig personen ensam?"), CHOICE, LONELINESS),
            ),
        ),
        Section(
            "matters",
            _("Det som är viktigt för personen"),
            (
                Item(
                    "what_matters",
                    _("Vad är viktigt för personen? Skriv med personens egna ord."),
                    TEXT,
                    required=True,
                ),
            ),
        ),
        Section(
            "future",
            _("Önskemål inför framtiden"),
            (Item("future_wishes", _("Önskemål om boende, vård och livets slutskede"), TEXT),),
        ),
        Section(
            "relative",
            _("Den närmaste anhöriges behov av stöd"),
            (
                Item("closest_relative", _("Närmaste anhörig (namn och relation)"), TEXT),
                Item("relative_needs_support", _("Har den närmaste anhörige själv behov av stöd?"), YESNO),
                Item(
                    "relative_support_what",
                    _("Vilket stöd behöver den anhörige?"),
                    TEXT,
                    required_if=("relative_needs_support", "yes"),
                ),
                Item(
                    "relative_support_offered",
                    _("Har anhörigstöd erbjudits?"),
                    CHOICE,
                    (
                        Option("offered", _("Ja, erbjudet")),
                        Option("declined", _("Erbjudet men avböjt")),
                        Option("not_offered", _("Nej, inte ännu")),
                    ),
                    required=False,
                    required_if=("relative_needs_support", "yes"),
                ),
            ),
        ),
    ),
    result=ResultRule(
        CHOSEN,
        (
            Option("no_further", _("Inga ytterligare insatser behövs nu")),
            Option("plan", _("Åtgärder planeras")),
            Option("sip", _("SIP behövs")),
        ),
        _("Den som håller i samtalet väljer utfallet tillsammans med personen."),
    ),
    actions=(
        Action("sip", _("Initiera SIP")),
        Action("needs_assessor", _("Kontakt med biståndshandläggare")),
        Action("rehab", _("Bedömning av arbetsterapeut eller fysioterapeut")),
        Action("medication_review", _("Läkemedelsgenomgång")),
        Action("home_adaptation", _("Hjälpmedel eller bostadsanpassning")),
        Action("safety_alarm", _("Trygghetslarm")),
        Action("relative_support", _("Anhörigstöd")),
        Action("cfs", _("CFS-bedömning")),
        Action("care_plan", _("Upprätta eller uppdatera vårdplan")),
    ),
)


# --- Risk assessments in the Senior Alert areas ---------------------------------------------------------------


def _risk_item(item_id: str, label: str, points: int = 1) -> Item:
    return Item(
        item_id, label, YESNO, points={"yes": points}, help=format_lazy(_("Ja ger {n} poäng."), n=points)
    )


FALLS = Template(
    key="risk-fall",
    title=_("Riskbedömning fall"),
    version=1,
    kind=RISK,
    intro=_("Bedömning av risk för fall, med förebyggande åtgärder."),
    sections=(
        Section(
            "signs",
            _("Tecken på fallrisk"),
            (
                _risk_item("fallen_before", _("Har personen fallit under det senaste året?"), 2),
                _risk_item("unsteady", _("Är gången eller balansen osäker?")),
                _risk_item("walking_aid", _("Behöver personen gånghjälpmedel eller stöd vid förflyttning?")),
                _risk_item(
                    "risk_medicines",
                    _(
                        "Tar personen läkemedel som kan öka fallrisken (t.ex. lugnande, sömnmedel, blodtryckssänkande)?"
                    ),
                ),
                _risk_item("confusion", _("Finns nedsatt minne eller förvirring?")),
                _risk_item("vision", _("Är synen nedsatt?")),
                _risk_item("toilet", _("Behöver personen gå på toaletten ofta eller brådskande?")),
                Item("observations", _("Övriga iakttagelser"), TEXT),
            ),
        ),
    ),
    result=ResultRule(DERIVED, RISK_OUTCOMES, RISK_RULE_TEXT, RISK_THRESHOLDS),
    actions=(
        Action("exercise", _("Balans- och styrketräning")),
        Action("home_check", _("Genomgång av hemmiljön (belysning, mattor, trösklar)")),
        Action("aids", _("Hjälpmedel (t.ex. rollator)")),
        Action("medication_review", _("Läkemedelsgenomgång")),
        Action("hip_protector", _("Höftskydd")),
        Action("footwear", _("Se över skor")),
        Action("vision_check", _("Synundersökning")),
        Action("safety_alarm", _("Trygghetslarm")),
    ),
)

PRESSURE_ULCERS = Template(
    key="risk-trycksar",
    title=_("Riskbedömning trycksår"),
    version=1,
    kind=RISK,
    intro=_("Bedömning av risk för trycksår, med förebyggande åtgärder."),
    sections=(
        Section(
            "signs",
            _("Tecken på risk för trycksår"),
            (
                _risk_item(
                    "skin_changes",
                    _("Finns rodnad som inte bleknar eller andra hudförändringar över utsatta ställen?"),
                    2,
                ),
                Item(
                    "mobility",
                    _("Rörlighet"),
                    CHOICE,
                    (
                        Option("moves", _("Ändrar läge själv")),
                        Option("limited", _("Begränsad rörlighet")),
                        Option("still", _("Ligger eller sitter still större delen av dygnet")),
                    ),
                    points={"limited": 1, "still": 2},
                    help=_("Begränsad rörlighet ger 1 poäng, stilla större delen av dygnet 2 poäng."),
                ),
                _risk_item("moisture", _("Är huden ofta fuktig (t.ex. av inkontinens eller svettning)?")),
                _risk_item("poor_intake", _("Äter eller dricker personen dåligt?")),
                _risk_item("sensation", _("Är känseln eller förmågan att uppfatta obehag nedsatt?")),
                Item("observations", _("Övriga iakttagelser"), TEXT),
            ),
        ),
    ),
    result=ResultRule(DERIVED, RISK_OUTCOMES, RISK_RULE_TEXT, RISK_THRESHOLDS),
    actions=(
        Action("repositioning", _("Lägesändringar enligt schema")),
        Action("mattress", _("Tryckavlastande madrass eller dyna")),
        Action("heels", _("Avlastning av hälar")),
        Action("skin_inspection", _("Daglig inspektion av huden")),
        Action("skin_care", _("Hudvård och skydd mot fukt")),
        Action("nutrition", _("Nutritionsåtgärder")),
    ),
)

MALNUTRITION = Template(
    key="risk-undernaring",
    title=_("Riskbedömning undernäring"),
    version=1,
    kind=RISK,
    intro=_("Bedömning av risk för undernäring, med förebyggande åtgärder."),
    sections=(
        Section(
            "signs",
            _("Tecken på risk för undernäring"),
            (
                _risk_item("weight_loss", _("Har personen gått ner i vikt utan att vilja det?"), 2),
                _risk_item("eating_less", _("Äter personen mindre än vanligt?")),
                _risk_item("thin", _("Bedöms personen som underviktig?")),
                _risk_item("chewing_swallowing", _("Har personen svårt att tugga eller svälja?")),
                Item(
                    "weight_kg",
                    _("Vikt i kilo (om den vägts)"),
                    NUMBER,
                    required=False,
                    min_value=20,
                    max_value=250,
                ),
                Item("observations", _("Övriga iakttagelser"), TEXT),
            ),
        ),
    ),
    result=ResultRule(DERIVED, RISK_OUTCOMES, RISK_RULE_TEXT, RISK_THRESHOLDS),
    actions=(
        Action("weighing", _("Regelbunden viktkontroll")),
        Action("meal_times", _("Måltidsordning med mellanmål och kortare nattfasta")),
        Action("enriched", _("Energi- och proteinberikad kost")),
        Action("help_eating", _("Stöd och hjälp vid måltider")),
        Action("dietitian", _("Kontakt med dietist")),
        Action("oral_check", _("Kontroll av munhälsan")),
    ),
)

ORAL_HEALTH = Template(
    key="risk-munhalsa",
    title=_("Riskbedömning munhälsa"),
    version=1,
    kind=RISK,
    intro=_("Bedömning av risk för ohälsa i munnen, med förebyggande åtgärder."),
    sections=(
        Section(
            "observations",
            _("Iakttagelser"),
            (
                Item("pain", _("Har personen smärta eller obehag i munnen?"), YESNO),
                Item("dry_mouth", _("Är munnen torr?"), YESNO),
                Item("chewing", _("Har personen svårt att tugga?"), YESNO),
                Item(
                    "mucosa", _("Finns synliga förändringar i munnen (beläggningar, sår, blödning)?"), YESNO
                ),
                Item(
                    "dentures",
                    _("Tandprotes"),
                    CHOICE,
                    (
                        Option("none", _("Har ingen protes")),
                        Option("fits", _("Protesen sitter bra")),
                        Option("problems", _("Protesen skaver eller sitter dåligt")),
                    ),
                ),
                Item(
                    "oral_care",
                    _("Daglig munvård"),
                    CHOICE,
                    (
                        Option("self", _("Sköter munvården själv")),
                        Option("help", _("Behöver hjälp och får det")),
                        Option("not_done", _("Munvården blir inte gjord")),
                    ),
                ),
                Item(
                    "dental_visit",
                    _("Senaste besök i tandvården"),
                    CHOICE,
                    (
                        Option("within_year", _("Inom ett år")),
                        Option("over_year", _("Mer än ett år sedan")),
                        Option("unknown", _("Vet inte")),
                    ),
                ),
                Item("observations", _("Övriga iakttagelser"), TEXT),
            ),
        ),
    ),
    result=ResultRule(
        CHOSEN,
        RISK_OUTCOMES,
        _(
            "Bedömaren väljer resultatet utifrån iakttagelserna. Det finns ingen licensfri poängregel för munhälsa "
            "här, så resultatet räknas inte fram."
        ),
    ),
    actions=(
        Action("daily_help", _("Daglig munvård med hjälp")),
        Action("fluoride", _("Extra fluor")),
        Action("dry_mouth", _("Åtgärder mot muntorrhet")),
        Action("dentures", _("Justering av protes")),
        Action("dental_referral", _("Kontakt med eller remiss till tandvården")),
        Action("outreach", _("Uppsökande munhälsobedömning")),
    ),
)

TEMPLATES: dict[str, Template] = {
    t.key: t for t in (HEALTH_TALK, MAPPING_TALK, FALLS, PRESSURE_ULCERS, MALNUTRITION, ORAL_HEALTH)
}


def get(key: str) -> Template | None:
    return TEMPLATES.get(key)


def age_group_for(age: int) -> str:
    """The hälsosamtal age group a person of this age belongs to (the form's suggestion)."""
    if age >= 75:
        return "75"
    if age >= 70:
        return "70"
    return "60"
