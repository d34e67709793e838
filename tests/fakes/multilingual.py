"""Short news articles in the ten supported languages, written for the tests and the
per-language benchmark. Each has the traps of its language: an abbreviation that must not end
a sentence (``TRAP``, kept whole in one sentence), a boilerplate line (``FURNITURE``) and, for
Chinese and Japanese, sentences with no space after 。."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    language: str
    title: str
    paragraphs: tuple[str, ...]
    trap: str  # a piece with an abbreviation that must stay inside one sentence
    furniture: str  # a paragraph that is page furniture, never a bullet

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def html(self) -> str:
        """The article as a page that declares no language (the detector decides)."""
        body = "".join(f"<p>{p}</p>" for p in self.paragraphs)
        return (
            f"<!doctype html><html><head><meta charset='utf-8'><title>{self.title}</title>"
            f"</head><body><article><h1>{self.title}</h1>{body}</article></body></html>"
        )


SAMPLES = {
    "en": Sample(
        "en",
        "City approves airport rail line",
        (
            "The city council approved a new rail line to the airport on Tuesday after a decade "
            "of debate. The line will link the airport to the central station in eighteen minutes.",
            "Advertisement",
            "Construction is due to start next spring and to cost about two billion dollars. "
            "Mr. Smith, the transport chief, said the first trains should run before 2030.",
            "Critics said the money would be better spent on buses in the outer districts. "
            "Residents near the route will be offered noise barriers and compensation.",
        ),
        "Mr. Smith, the transport chief",
        "Advertisement",
    ),
    "de": Sample(
        "de",
        "Stadt genehmigt Bahnlinie zum Flughafen",
        (
            "Der Stadtrat hat am Dienstag nach zehn Jahren Streit eine neue Bahnlinie zum "
            "Flughafen "
            "genehmigt. Die Strecke soll den Flughafen in achtzehn Minuten mit dem Hauptbahnhof "
            "verbinden.",
            "Anzeige",
            "Der Bau soll im nächsten Frühjahr beginnen und rund zwei Mrd. Euro kosten. "
            "Kritiker, z. B. die Grünen im Rat, wollen das Geld lieber für Busse ausgeben.",
            "Anwohner an der Strecke sollen Lärmschutzwände und eine Entschädigung erhalten. "
            "Die ersten Züge sollen nach Angaben der Stadt vor dem Jahr 2030 fahren.",
        ),
        "z. B. die Grünen",
        "Anzeige",
    ),
    "fr": Sample(
        "fr",
        "La ville approuve une ligne ferroviaire vers l'aéroport",
        (
            "Le conseil municipal a approuvé mardi une nouvelle ligne ferroviaire vers l'aéroport "
            "après dix ans de débats. La ligne reliera l'aéroport à la gare centrale en dix-huit "
            "minutes.",
            "Publicité",
            "Les travaux doivent commencer au printemps prochain et coûter environ deux milliards "
            "d'euros. M. Dupont, chargé des transports, a déclaré que les premiers trains "
            "circuleraient avant 2030.",
            "Les critiques estiment que cet argent serait mieux dépensé pour les bus de banlieue. "
            "Les riverains du tracé recevront des murs antibruit et une indemnisation.",
        ),
        "M. Dupont, chargé des transports",
        "Publicité",
    ),
    "es": Sample(
        "es",
        "La ciudad aprueba una línea de tren al aeropuerto",
        (
            "El ayuntamiento aprobó el martes una nueva línea de tren al aeropuerto tras una "
            "década de debate. La línea unirá el aeropuerto con la estación central en dieciocho "
            "minutos.",
            "Publicidad",
            "Las obras empezarán la próxima primavera y costarán unos dos mil millones de euros. "
            "El Sr. García, responsable de transporte, dijo que los primeros trenes circularán "
            "antes de 2030.",
            "Los críticos dicen que el dinero estaría mejor gastado en autobuses de las afueras. "
            "Los vecinos de la ruta recibirán barreras contra el ruido y una compensación.",
        ),
        "El Sr. García, responsable de transporte",
        "Publicidad",
    ),
    "pt": Sample(
        "pt",
        "Cidade aprova linha de trem para o aeroporto",
        (
            "A câmara municipal aprovou na terça-feira uma nova linha de trem para o aeroporto "
            "depois de uma década de debate. A linha vai ligar o aeroporto à estação central em "
            "dezoito minutos.",
            "Leia também: Governo anuncia novo plano de transportes",
            "As obras devem começar na próxima primavera e custar cerca de dois bilhões de reais. "
            "O Sr. Almeida, secretário de transportes, disse que os primeiros trens devem "
            "circular antes de 2030.",
            "Os críticos dizem que o dinheiro seria mais bem gasto em ônibus nos bairros "
            "afastados. Os moradores perto da linha vão receber barreiras acústicas e uma "
            "indenização.",
        ),
        "O Sr. Almeida, secretário de transportes",
        "Leia também: Governo anuncia novo plano de transportes",
    ),
    "it": Sample(
        "it",
        "Il comune approva la linea ferroviaria per l'aeroporto",
        (
            "Il consiglio comunale ha approvato martedì una nuova linea ferroviaria per "
            "l'aeroporto dopo dieci anni di dibattito. La linea collegherà l'aeroporto alla "
            "stazione centrale in diciotto minuti.",
            "Pubblicità",
            "I lavori dovrebbero iniziare la prossima primavera e costare circa due miliardi di "
            "euro. Il dott. Rossi, assessore ai trasporti, ha detto che i primi treni "
            "partiranno prima del 2030.",
            "I critici sostengono che il denaro sarebbe speso meglio per gli autobus di periferia. "
            "I residenti lungo il percorso riceveranno barriere antirumore e un indennizzo.",
        ),
        "Il dott. Rossi, assessore ai trasporti",
        "Pubblicità",
    ),
    "nl": Sample(
        "nl",
        "Stad keurt spoorlijn naar luchthaven goed",
        (
            "De gemeenteraad heeft dinsdag na tien jaar discussie een nieuwe spoorlijn naar de "
            "luchthaven goedgekeurd. De lijn verbindt de luchthaven in achttien minuten met het "
            "centraal station.",
            "Lees ook: Kabinet presenteert nieuw plan voor openbaar vervoer",
            "De bouw begint volgend voorjaar en kost ongeveer twee miljard euro. Dhr. De Vries, "
            "wethouder van verkeer, zei dat de eerste treinen voor 2030 moeten rijden.",
            "Critici zeggen dat het geld beter aan bussen in de buitenwijken kan worden besteed. "
            "Bewoners langs het tracé krijgen geluidsschermen en een schadevergoeding.",
        ),
        "Dhr. De Vries, wethouder van verkeer",
        "Lees ook: Kabinet presenteert nieuw plan voor openbaar vervoer",
    ),
    "ru": Sample(
        "ru",
        "Город одобрил железнодорожную линию в аэропорт",
        (
            "Городской совет во вторник после десяти лет споров одобрил новую железнодорожную "
            "линию в аэропорт. Линия соединит аэропорт с центральным вокзалом за восемнадцать "
            "минут.",
            "Читайте также: Правительство представило новый транспортный план",
            "Строительство начнётся следующей весной и обойдётся примерно в два миллиарда "
            "рублей. Критики, т. е. депутаты оппозиции, считают, что деньги лучше потратить на "
            "автобусы.",
            "Жители вдоль маршрута получат шумозащитные экраны и денежную компенсацию. "
            "Первые поезда, по словам мэрии, должны пойти до 2030 года.",
        ),
        "т. е. депутаты оппозиции",
        "Читайте также: Правительство представило новый транспортный план",
    ),
    "ja": Sample(
        "ja",
        "市が空港への鉄道新線を承認",
        (
            "市議会は火曜日、十年にわたる議論の末に空港への鉄道新線を承認した。"
            "新線は空港と中央駅を十八分で結ぶ予定だ。",
            "関連記事",
            "工事は来年の春に始まり、総事業費はおよそ二千億円になる見通しだ。"
            "交通局長は、最初の列車が二〇三〇年より前に走り始めると述べた。",
            "批判的な議員は、その予算を郊外のバス路線に使うべきだと主張している。"
            "沿線の住民には防音壁の設置と補償金の支払いが約束された。",
        ),
        "交通局長は",
        "関連記事",
    ),
    "zh": Sample(
        "zh",
        "市政府批准通往机场的新铁路线",
        (
            "市议会周二在经过十年的争论之后批准了一条通往机场的新铁路线。"
            "这条线路将在十八分钟内连接机场和中央火车站。",
            "相关阅读",
            "工程预计明年春天开工，总投资约为两百亿元人民币。"
            "交通局局长表示，第一批列车将在二〇三〇年之前投入运营。",
            "批评者认为，这笔钱应该用于改善郊区的公共汽车服务。"
            "沿线居民将获得隔音屏障和一定数额的经济补偿。",
        ),
        "交通局局长表示",
        "相关阅读",
    ),
}
