"""The public contract page is kept until what it shows changes, whatever code changes it."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update

from participation.contract import annual_report, page_cache, services, structure
from participation.contract.models import (
    ContractNode,
    Contribution,
    ContributionLink,
    ContributionStatus,
    OpinionPosition,
)
from participation.extensions import db
from participation.page_cache import PageVersion
from participation.sqlcount import count_statements
from participation.territory.models import Conseil


def _page(client, language: str = "fr") -> str:
    response = client.get("/contrat", headers={"Accept-Language": language})
    assert response.status_code == 200
    return html.unescape(response.text)


def _raised(change) -> bool:
    """Whether committing ``change()`` raises the version of the page."""
    db.session.commit()
    before = page_cache.current_version()
    change()
    db.session.commit()
    return page_cache.current_version() != before


def test_the_page_is_shown_again_as_soon_as_what_it_shows_changes(client, roles, contract, make_contribution,
                                                                   node_of):
    contribution = make_contribution(roles.conseil, title="Des bancs au square Pasteur")
    db.session.commit()
    assert "Des bancs au square Pasteur" not in _page(client)
    with count_statements() as kept:
        _page(client)
    assert kept.count == 1  # the version: the page itself is kept

    services.link_to_node(contribution, node_of("1.1.1.a"), actor=roles.project_lead)
    db.session.commit()
    page = _page(client)
    assert "Des bancs au square Pasteur" in page and "Reçue" in page

    services.change_status(contribution, ContributionStatus.retained, actor=roles.project_lead, reason="Budget voté.")
    db.session.commit()
    assert "Retenue" in _page(client)

    structure.update_node(node_of("1.1.1.a"), structure.NodeData(title="Bancs et ombre dans les squares"))
    db.session.commit()
    assert "Bancs et ombre dans les squares" in _page(client)

    opened = datetime(2026, 2, 2, 9, tzinfo=UTC)
    round_ = annual_report.open_round(2025, date(2026, 3, 20), actor=roles.project_lead, now=opened)
    annual_report.record_opinion(round_, roles.conseil, annual_report.OpinionData(
        position=OpinionPosition.reserved, majority_text="Avis réservé.", dissenting_views="Une minorité s'oppose.",
        observations=""), actor=roles.project_lead, now=opened + timedelta(days=3))
    db.session.commit()
    assert "Une minorité s'oppose." in _page(client)

    roles.conseil.name = "Conseil citoyen des Peupliers-Nord"
    db.session.commit()
    assert "Conseil citoyen des Peupliers-Nord" in _page(client)


def test_each_language_is_kept_apart(client, roles, contract, make_contribution, node_of):
    services.link_to_node(make_contribution(roles.conseil), node_of("1.1.1.a"), actor=roles.project_lead)
    db.session.commit()
    assert "1 contribution" in _page(client, "fr") and "Reçue" in _page(client, "fr")
    english = _page(client, "en")
    assert "Received" in english and "Reçue" not in english
    assert "Reçue" in _page(client, "fr")


@pytest.mark.parametrize("change", [
    "contribution title", "contribution deleted", "link removed", "node added", "node removed", "contract edited",
    "bulk update of contributions", "bulk delete of links", "conseil renamed",
])
def test_every_change_of_what_the_page_reads_raises_the_version(change, roles, contract, make_contribution,
                                                                 node_of):
    contribution = make_contribution(roles.conseil, title="Jardin partagé")
    services.link_to_node(contribution, node_of("1.1.1.a"), actor=roles.project_lead)
    db.session.commit()
    changes = {
        "contribution title": lambda: setattr(contribution, "title", "Jardin partagé des Tilleuls"),
        "contribution deleted": lambda: db.session.delete(contribution),
        "link removed": lambda: services.unlink_from_node(contribution, node_of("1.1.1.a"), actor=roles.project_lead),
        "node added": lambda: structure.add_node(contract, structure.NodeData(title="Nouvelle action"),
                                                 node_of("2.1.1")),
        "node removed": lambda: structure.delete_node(node_of("1.1.1.b")),
        "contract edited": lambda: setattr(contract, "title", "Contrat de ville 2024–2030 (avenant)"),
        "bulk update of contributions": lambda: db.session.execute(
            update(Contribution).values(status=ContributionStatus.under_study)),
        "bulk delete of links": lambda: db.session.execute(delete(ContributionLink)),
        "conseil renamed": lambda: db.session.execute(
            update(Conseil.__table__).where(Conseil.__table__.c.id == roles.conseil.id).values(name="Autre nom")),
    }
    assert _raised(changes[change])


def test_other_changes_and_rolled_back_ones_leave_the_version(roles, contract, make_user, node_of):
    assert not _raised(lambda: make_user("voisine@example.org"))
    assert not _raised(lambda: setattr(roles.habitant, "display_name", "Awa D."))

    node = db.session.get(ContractNode, node_of("1.1.1.a").id)
    db.session.commit()
    before = page_cache.current_version()
    node.title = "Changé puis annulé"
    db.session.flush()
    db.session.rollback()
    assert not _raised(lambda: make_user("voisin@example.org"))  # the rolled-back change is forgotten
    assert page_cache.current_version() == before


def test_the_version_is_raised_once_at_the_commit(roles, contract, make_contribution, node_of):
    def versions() -> dict[str, int]:
        return dict(db.session.execute(select(PageVersion.name, PageVersion.version)).all())

    db.session.commit()
    before = versions()
    for i in range(3):
        contribution = make_contribution(roles.conseil, title=f"Idée {i}")
        services.link_to_node(contribution, node_of("1.1.1.a"), actor=roles.project_lead)
        db.session.flush()
    with count_statements() as counter:
        db.session.commit()
    after = versions()
    raised = {name for name in after if after[name] != before.get(name, 0)}
    # The contract page and the other pages that show contributions (minutes, results), each raised once.
    assert {"contract", "minutes"} <= raised and all(after[name] == before.get(name, 0) + 1 for name in raised)
    assert sum("page_version" in statement for statement in counter.statements) == len(raised)
