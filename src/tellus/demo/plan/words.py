"""What the demo's visitors write: photo titles, stories (Markdown) and poems (en, es).

Templates with a few blanks (the place, the season, who came along, what
was eaten), filled from a seeded generator: the same seed gives the same
text, and a few hundred pieces read as written by different people.
Written by hand so that the demo needs no text generator and no download.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

LANGUAGES = ("en", "es")


@dataclass(frozen=True)
class Words:
    seasons: tuple[str, ...]
    companions: tuple[str, ...]
    foods: tuple[str, ...]
    moments: tuple[str, ...]
    scenes: dict[str, tuple[str, ...]]  # photo titles by scene, with {place}
    captions: tuple[str, ...]
    story_titles: tuple[str, ...]
    story_openings: tuple[str, ...]
    story_middles: tuple[str, ...]
    story_lists: tuple[str, ...]
    story_endings: tuple[str, ...]
    headings: tuple[str, ...]
    poem_titles: tuple[str, ...]
    poem_lines: tuple[str, ...]


WORDS: dict[str, Words] = {
    "en": Words(
        seasons=(
            "in March",
            "in late spring",
            "one August",
            "in October",
            "at Christmas",
            "in January",
        ),
        companions=(
            "my sister",
            "the kids",
            "my partner",
            "two old friends",
            "my father",
            "nobody but a map",
        ),
        foods=(
            "wrinkled potatoes with mojo",
            "grilled parrotfish",
            "goat cheese with palm honey",
            "a plate of limpets",
            "gofio ice cream",
            "tomatoes that tasted of sun",
        ),
        moments=(
            "at first light",
            "just before sunset",
            "at noon",
            "after the rain",
            "under a full moon",
        ),
        scenes={
            "beach": (
                "Morning at {place}",
                "Black sand, blue water",
                "The tide at {place}",
                "Our beach day",
            ),
            "lagoon": (
                "The green pool near {place}",
                "Charco colours",
                "Where the lava meets the sea",
            ),
            "volcano": (
                "Up the {place}",
                "Red earth, black rock",
                "Walking the crater rim",
                "Fire mountain",
            ),
            "village": (
                "White walls of {place}",
                "Green doors",
                "Siesta in {place}",
                "The bell tower",
            ),
            "harbour": ("Boats in the {place}", "Fishing boats at rest", "Harbour colours"),
            "cave": ("Inside the {place}", "Light in the cave", "The hidden lake"),
            "saltpans": ("The {place} at dusk", "Pink salt squares", "Salt and sky"),
        },
        captions=(
            "Taken {moment}, {season}.",
            "We came here with {companion}.",
            "No filter: this is what it looked like.",
            "Worth the walk.",
            "My favourite spot on the island.",
            "",
        ),
        story_titles=(
            "A week in {place}",
            "What I found at {place}",
            "Lost and found near {place}",
            "The day we walked to {place}",
            "Coming back to {place}",
            "Eating my way around {place}",
        ),
        story_openings=(
            "We arrived {season} with {companion}, not knowing what to expect. By the second day "
            "we had a routine: coffee in the square, then out to **{place}** before the heat.",
            "I had seen {place} in a hundred pictures, and none of them got it right. The wind, "
            "the smell of salt and warm stone, the silence: you have to be there.",
            "This was my third time on the island and the first time I went to {place}. "
            "I should have gone years ago.",
        ),
        story_middles=(
            "The path is easy at first, then steep for the last kilometre. Take water, a hat and "
            "more patience than you think. We stopped {moment} and did not speak for a while.",
            "A woman selling fruit by the road told us where to eat, and we ended up with {food}. "
            "We went back the next day, and the day after that.",
            "The light changes every hour. {moment_cap}, the rock turns copper and the sea goes "
            "from turquoise to ink.",
        ),
        story_lists=(
            "- Go early: the car park fills by ten.\n- Bring cash for the kiosk.\n"
            "- Respect the signs: the lava crumbles.",
            "- Try {food}.\n- Ask for the local wine.\n- Leave room for dessert.",
            "- Good shoes, not sandals.\n- Two litres of water each.\n"
            "- Sun cream, even when it is cloudy.",
        ),
        story_endings=(
            "We will be back, probably {season} again. If you go, say hello to the island for us.",
            "It was the best part of the trip, and it cost nothing but a morning.",
            "I left a little of myself there. That sounds silly, but ask anyone who has been.",
        ),
        headings=("## Good to know", "## Tips", "## If you go"),
        poem_titles=(
            "Ash and salt",
            "The fire mountain",
            "Island morning",
            "Tide",
            "White village",
            "What the wind said",
            "Black sand",
        ),
        poem_lines=(
            "The sea keeps its own hours",
            "black sand warm under bare feet",
            "the mountain remembers fire",
            "white walls, green doors, a dog asleep",
            "salt on my lips, on the wind",
            "the light goes copper, then gold",
            "we said nothing, and it was enough",
            "a fishing boat, a gull, a bell",
            "the lava is still, the sky is not",
            "I will come back when the almonds flower",
            "every wave writes the same line",
            "and the island does not hurry",
        ),
    ),
    "es": Words(
        seasons=(
            "en marzo",
            "a finales de primavera",
            "un agosto",
            "en octubre",
            "en Navidad",
            "en enero",
        ),
        companions=(
            "mi hermana",
            "los niños",
            "mi pareja",
            "dos amigos de siempre",
            "mi padre",
            "solo un mapa",
        ),
        foods=(
            "papas arrugadas con mojo",
            "vieja a la plancha",
            "queso de cabra con miel de palma",
            "un plato de lapas",
            "helado de gofio",
            "tomates que sabían a sol",
        ),
        moments=(
            "al amanecer",
            "justo antes de la puesta de sol",
            "a mediodía",
            "después de la lluvia",
            "con luna llena",
        ),
        scenes={
            "beach": (
                "Mañana en {place}",
                "Arena negra, agua azul",
                "La marea en {place}",
                "Día de playa",
            ),
            "lagoon": (
                "El charco verde junto a {place}",
                "Colores del charco",
                "Donde la lava toca el mar",
            ),
            "volcano": (
                "Subiendo al {place}",
                "Tierra roja, piedra negra",
                "Por el borde del cráter",
                "Montaña de fuego",
            ),
            "village": (
                "Paredes blancas de {place}",
                "Puertas verdes",
                "Siesta en {place}",
                "El campanario",
            ),
            "harbour": ("Barcos en el {place}", "Barcas de pesca", "Colores del puerto"),
            "cave": ("Dentro de la {place}", "Luz en la cueva", "El lago escondido"),
            "saltpans": ("Las {place} al atardecer", "Cuadros de sal rosa", "Sal y cielo"),
        },
        captions=(
            "Hecha {moment}, {season}.",
            "Vinimos con {companion}.",
            "Sin filtro: así se veía.",
            "Merece la caminata.",
            "Mi rincón favorito de la isla.",
            "",
        ),
        story_titles=(
            "Una semana en {place}",
            "Lo que encontré en {place}",
            "Perdidos cerca de {place}",
            "El día que caminamos a {place}",
            "Volver a {place}",
            "Comiendo por {place}",
        ),
        story_openings=(
            "Llegamos {season} con {companion}, sin saber qué esperar. Al segundo día ya teníamos "
            "una rutina: café en la plaza y luego a **{place}** antes del calor.",
            "Había visto {place} en cien fotos y ninguna le hacía justicia. El viento, el olor a "
            "sal y a piedra caliente, el silencio: hay que estar allí.",
            "Era mi tercera vez en la isla y la primera que fui a {place}. Debí ir hace años.",
        ),
        story_middles=(
            "El camino es fácil al principio y empinado el último kilómetro. Lleva agua, gorra y "
            "más paciencia de la que crees. Paramos {moment} y estuvimos un rato sin hablar.",
            "Una señora que vendía fruta en la carretera nos dijo dónde comer, y acabamos con "
            "{food}. Volvimos al día siguiente, y al otro.",
            "La luz cambia cada hora. {moment_cap}, la roca se vuelve cobre y el mar pasa del "
            "turquesa a la tinta.",
        ),
        story_lists=(
            "- Ve temprano: el aparcamiento se llena a las diez.\n"
            "- Lleva efectivo para el quiosco.\n- Respeta las señales: la lava se desmorona.",
            "- Prueba {food}.\n- Pide el vino de la zona.\n- Deja sitio para el postre.",
            "- Buen calzado, nada de sandalias.\n- Dos litros de agua por persona.\n"
            "- Crema solar, aunque esté nublado.",
        ),
        story_endings=(
            "Volveremos, seguramente {season} otra vez. Si vas, saluda a la isla de nuestra parte.",
            "Fue lo mejor del viaje, y no costó más que una mañana.",
            "Dejé allí un poco de mí. Suena tonto, pero pregunta a quien haya ido.",
        ),
        headings=("## Para saber", "## Consejos", "## Si vas"),
        poem_titles=(
            "Ceniza y sal",
            "La montaña de fuego",
            "Mañana en la isla",
            "Marea",
            "Pueblo blanco",
            "Lo que dijo el viento",
            "Arena negra",
        ),
        poem_lines=(
            "El mar tiene sus propias horas",
            "arena negra tibia bajo los pies",
            "la montaña recuerda el fuego",
            "paredes blancas, puertas verdes, un perro dormido",
            "sal en los labios, en el viento",
            "la luz se vuelve cobre, luego oro",
            "no dijimos nada, y bastó",
            "una barca, una gaviota, una campana",
            "la lava está quieta, el cielo no",
            "volveré cuando florezcan los almendros",
            "cada ola escribe la misma línea",
            "y la isla no tiene prisa",
        ),
    ),
}


def _pick(rng: np.random.Generator, options: Sequence[str]) -> str:
    return options[int(rng.integers(len(options)))]


def _words(language: str) -> Words:
    if language not in WORDS:
        raise ValueError(f"No demo texts in {language!r}; choose one of {', '.join(WORDS)}")
    return WORDS[language]


def _fill(rng: np.random.Generator, words: Words, template: str, place: str) -> str:
    moment = _pick(rng, words.moments)
    return template.format(
        place=place,
        season=_pick(rng, words.seasons),
        companion=_pick(rng, words.companions),
        food=_pick(rng, words.foods),
        moment=moment,
        moment_cap=moment[:1].upper() + moment[1:],
    )


def photo_text(rng: np.random.Generator, language: str, scene: str, place: str) -> tuple[str, str]:
    """A photo's title and caption."""
    words = _words(language)
    title = _fill(rng, words, _pick(rng, words.scenes[scene]), place)
    return title, _fill(rng, words, _pick(rng, words.captions), place)


def story(rng: np.random.Generator, language: str, place: str) -> tuple[str, str]:
    """A story's title and Markdown body: a few paragraphs, a heading and a list."""
    words = _words(language)
    title = _fill(rng, words, _pick(rng, words.story_titles), place)
    middles = list(words.story_middles)
    rng.shuffle(middles)
    parts = [
        _fill(rng, words, _pick(rng, words.story_openings), place),
        *(_fill(rng, words, m, place) for m in middles[: 1 + int(rng.integers(2))]),
        _pick(rng, words.headings),
        _fill(rng, words, _pick(rng, words.story_lists), place),
        _fill(rng, words, _pick(rng, words.story_endings), place),
    ]
    return title, "\n\n".join(parts)


def poem(rng: np.random.Generator, language: str) -> tuple[str, str]:
    """A poem's title and body: two or three stanzas, line breaks kept."""
    words = _words(language)
    lines = list(words.poem_lines)
    rng.shuffle(lines)
    stanzas, at = [], 0
    for _ in range(2 + int(rng.integers(2))):
        count = 3 + int(rng.integers(2))
        stanzas.append("\n".join(lines[at : at + count]))
        at += count
    return _pick(rng, words.poem_titles), "\n\n".join(stanzas)
