"""Demo accounts: an admin, a cheffe de projet, an animatrice and residents of the three quartiers."""

from __future__ import annotations

from participation.accounts.models import Gender, PlatformRole
from participation.accounts.services import create_user, find_by_email
from participation.demo import DEMO_PASSWORD, DemoContext

# key, e-mail, shown name, platform roles, gender, birth year
PEOPLE = [
    ("admin", "admin@example.org", "Service participation (admin)", (PlatformRole.admin,), None, None),
    ("project_lead", "cheffe.projet@example.org", "Claire Dumont, cheffe de projet", (PlatformRole.project_lead,),
     Gender.woman, 1979),
    ("animator", "animatrice@example.org", "Nadia Haddad, animatrice", (), Gender.woman, 1988),
    ("amina", "amina.benali@example.org", "Amina B.", (), Gender.woman, 1975),
    ("joseph", "joseph.mendy@example.org", "Joseph Mendy", (), Gender.man, 1962),
    ("lucie", "lucie.martin@example.org", "Lucie M.", (), Gender.woman, 1991),
    ("karim", "karim.oussedik@example.org", "Karim O.", (), Gender.man, 1984),
    ("fatou", "fatou.diallo@example.org", "Fatou Diallo", (), Gender.woman, 1969),
    ("marc", "marc.lefebvre@example.org", "Marc Lefebvre", (), Gender.man, 1957),
    ("sofia", "sofia.ferreira@example.org", "Sofia F.", (), Gender.woman, 2004),
    ("ibrahim", "ibrahim.kone@example.org", "Ibrahim Koné", (), Gender.man, 1998),
    ("helene", "helene.roux@example.org", "Hélène Roux", (), Gender.woman, 1950),
    ("yanis", "yanis.belkacem@example.org", "Yanis B.", (), Gender.man, 2008),
    ("mireille", "mireille.petit@example.org", "Mireille Petit (Centre social Les Tilleuls)", (), Gender.woman, 1966),
    ("thomas", "thomas.girard@example.org", "Thomas Girard (Régie de quartier)", (), Gender.man, 1981),
    ("samia", "samia.rahmani@example.org", "Samia R.", (), Gender.woman, 1987),
    ("pierre", "pierre.nguyen@example.org", "Pierre Nguyen", (), Gender.man, 1972),
    ("aicha", "aicha.traore@example.org", "Aïcha Traoré", (), Gender.woman, 1993),
    ("david", "david.lambert@example.org", "David L.", (), Gender.man, 1990),
]


def load(context: DemoContext) -> None:
    for key, email, name, roles, gender, birth_year in PEOPLE:
        user = find_by_email(email)
        if user is None:
            user = create_user(email, DEMO_PASSWORD, name, roles=roles)
            user.gender, user.birth_year = gender, birth_year
        context.users[key] = user
    for key, label in (("admin", "admin"), ("project_lead", "chef de projet"), ("animator", "animator"),
                       ("amina", "habitante"), ("joseph", "habitant")):
        context.accounts.append((label, context.users[key].email, context.users[key].display_name))
