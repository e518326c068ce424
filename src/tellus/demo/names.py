"""Small lists of given names and family names by language, for the demo's members.

Written by hand (a few dozen each) so that the demo needs no name-generation
library and no download; combined at random they give tens of thousands of
plausible, fictional display names. Any likeness to a real person is chance.
"""

from __future__ import annotations


def _split(lists: dict[str, str]) -> dict[str, tuple[str, ...]]:
    return {language: tuple(names.split(", ")) for language, names in lists.items()}


GIVEN_NAMES: dict[str, tuple[str, ...]] = _split(
    {
        "es": (
            "Lucía, Martina, Sofía, María, Paula, Carmen, Elena, Nerea, Inés, Alba, "
            "Noelia, Irene, Pablo, Hugo, Javier, Mateo, Álvaro, Daniel, Sergio, Adrián, "
            "Marcos, Tomás, Raúl, Iván, Yaiza, Acoran, Tamara"
        ),
        "en": (
            "Olivia, Amelia, Isla, Ava, Emily, Grace, Sophie, Chloe, Hannah, Megan, Lucy, "
            "Ellie, Oliver, George, Harry, Jack, Noah, Charlie, Thomas, James, William, "
            "Daniel, Samuel, Liam, Aoife, Ciarán, Niamh"
        ),
        "de": (
            "Mia, Emma, Hannah, Lena, Lea, Anna, Lina, Marie, Johanna, Greta, Jonas, "
            "Lukas, Leon, Finn, Paul, Felix, Elias, Maximilian, Jürgen, Uwe, Sabine, "
            "Birgit, Matthias, Katrin, Tobias, Stefan"
        ),
        "fr": (
            "Léa, Manon, Chloé, Camille, Inès, Jade, Louise, Zoé, Élodie, Margaux, Hugo, "
            "Lucas, Louis, Gabriel, Arthur, Théo, Raphaël, Nathan, Mathis, Antoine, "
            "Julien, Céline, Benoît, Amélie"
        ),
        "it": (
            "Giulia, Chiara, Francesca, Sara, Martina, Aurora, Alessia, Beatrice, Marco, "
            "Luca, Matteo, Lorenzo, Andrea, Alessandro, Davide, Federico, Giorgio, Simone, "
            "Elisa, Valentina"
        ),
        "nl": (
            "Sanne, Fleur, Lotte, Anouk, Femke, Eva, Noor, Daan, Sem, Bram, Jesse, Thijs, "
            "Ruben, Stijn, Joris, Maarten, Willemijn, Sven"
        ),
        "sv": (
            "Astrid, Ebba, Freja, Saga, Maja, Elsa, Linnea, Ingrid, Erik, Lars, Nils, "
            "Oskar, Axel, Gustav, Henrik, Björn, Sigrid, Magnus"
        ),
        "pt": (
            "Beatriz, Inês, Mariana, Leonor, Carolina, Matilde, João, Tiago, Rodrigo, "
            "Diogo, Gonçalo, Afonso, Rafaela, Duarte"
        ),
    }
)

FAMILY_NAMES: dict[str, tuple[str, ...]] = _split(
    {
        "es": (
            "García, Rodríguez, González, Fernández, López, Martínez, Sánchez, Pérez, "
            "Hernández, Ramírez, Cabrera, Betancort, Perdomo, Quintana, Curbelo, Ferrer, "
            "Navarro, Morales, Ortega, Delgado, Castro, Rubio"
        ),
        "en": (
            "Smith, Jones, Taylor, Brown, Williams, Wilson, Evans, Thomas, Roberts, "
            "Walker, Wright, Hughes, Edwards, Clarke, Murphy, Kelly, O'Brien, Byrne, "
            "Campbell, Stewart, Patel, Khan"
        ),
        "de": (
            "Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, "
            "Hoffmann, Koch, Richter, Klein, Wolf, Schröder, Neumann, Braun, Zimmermann, "
            "Gruber, Huber"
        ),
        "fr": (
            "Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, "
            "Moreau, Simon, Laurent, Lefèvre, Michel, Garnier, Rousseau, Peeters, Dupont"
        ),
        "it": (
            "Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, "
            "Greco, Bruno, Gallo, Conti, De Luca, Costa, Giordano"
        ),
        "nl": (
            "de Jong, Jansen, de Vries, van den Berg, van Dijk, Bakker, Janssen, Visser, "
            "Smit, Meijer, de Boer, Mulder, de Groot, Bos, Vos, Maes"
        ),
        "sv": (
            "Andersson, Johansson, Karlsson, Nilsson, Eriksson, Larsson, Olsson, Persson, "
            "Svensson, Lindqvist, Berg, Sjöberg, Hansen, Johansen, Dahl"
        ),
        "pt": (
            "Silva, Santos, Ferreira, Pereira, Oliveira, Costa, Rodrigues, Martins, Sousa, "
            "Fernandes, Gonçalves, Almeida"
        ),
    }
)

#: Home countries of the demo's members with their share (a Canary-like island's
#: source markets) and the language their names are drawn from.
COUNTRIES: tuple[tuple[str, float, str], ...] = (
    ("GB", 0.28, "en"),
    ("ES", 0.18, "es"),
    ("DE", 0.13, "de"),
    ("IE", 0.06, "en"),
    ("NL", 0.05, "nl"),
    ("FR", 0.05, "fr"),
    ("IT", 0.05, "it"),
    ("SE", 0.04, "sv"),
    ("NO", 0.03, "sv"),
    ("BE", 0.03, "fr"),
    ("PT", 0.02, "pt"),
    ("AT", 0.02, "de"),
    ("US", 0.02, "en"),
    ("DK", 0.02, "sv"),
    ("MX", 0.01, "es"),
    ("AR", 0.01, "es"),
)

LANGUAGES: tuple[str, ...] = tuple(sorted(GIVEN_NAMES))
