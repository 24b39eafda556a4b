from __future__ import annotations

import pytest

from participation.accounts.models import Gender
from participation.extensions import db
from participation.territory import services
from participation.territory.models import QPV, College, Seat

ANCT_HEADER = "code_qp;lib_qp;insee_reg;lib_reg;insee_dep;lib_dep;insee_com;lib_com;siren_epci;lib_epci\n"


def test_import_reads_the_anct_format_with_wrapped_codes_and_several_communes(app):
    raw = (ANCT_HEADER
           + 'QN06001M;Les Hauts de Creil;="32";Hauts-de-France;="60";Oise;="60175";Creil;="200067759";CA Creil\n'
           + 'QN06002M;Rouher;32;Hauts-de-France;60;Oise;"60175;60463";"Creil;Nogent-sur-Oise";200067759;CA Creil\n'
           + 'QN02A01A;Les Salines;94;Corse;02A;Corse-du-Sud;="2A004";Ajaccio;="200066793";CA du Pays Ajaccien\n'
           + 'QP971001;Boissard;01;Guadeloupe;971;Guadeloupe;97120;Pointe-à-Pitre;249710047;CA Cap Excellence\n'
           ).encode("utf-8-sig")
    report = services.import_qpv_csv(raw)
    assert report.ok, report.errors
    assert (report.created, report.updated) == (4, 0)
    rouher = db.session.query(QPV).filter_by(code="QN06002M").one()
    assert [(c.insee_code, c.name) for c in rouher.communes] == [("60175", "Creil"), ("60463", "Nogent-sur-Oise")]
    hauts = db.session.query(QPV).filter_by(code="QN06001M").one()
    assert hauts.epci_siren == "200067759" and hauts.communes[0].insee_code == "60175"


def test_import_updates_existing_qpv_instead_of_duplicating(app):
    services.import_qpv_csv((ANCT_HEADER + "QN06001M;Ancien nom;32;HdF;60;Oise;60175;Creil;200067759;CA\n").encode())
    report = services.import_qpv_csv((ANCT_HEADER + "QN06001M;Nouveau nom;32;HdF;60;Oise;60175;Creil;200067759;CA\n"
                                      ).encode())
    assert (report.created, report.updated) == (0, 1)
    assert db.session.query(QPV).one().name == "Nouveau nom"


def test_import_reports_bad_rows_with_line_numbers_and_imports_nothing(app):
    raw = (ANCT_HEADER
           + "QN06001M;Bon;32;HdF;60;Oise;60175;Creil;200067759;CA\n"
           + "XX123;Mauvais code;32;HdF;60;Oise;60175;Creil;200067759;CA\n"
           + "QN06003M;Sans commune;32;HdF;60;Oise;;;200067759;CA\n"
           + "QN06004M;Siren faux;32;HdF;60;Oise;60175;Creil;12;CA\n"
           + "QN06005M;Trop;de;colonnes;60;Oise;60175;Creil;200067759;CA;x\n").encode()
    report = services.import_qpv_csv(raw)
    assert not report.ok
    assert sorted({line for line, _ in report.errors}) == [3, 4, 5, 6]
    assert db.session.query(QPV).count() == 0


@pytest.mark.parametrize("raw", [b"", b"code;name\nQN06001M;x\n"])
def test_import_refuses_empty_files_and_wrong_headers(app, raw):
    report = services.import_qpv_csv(raw)
    assert not report.ok and report.errors[0][0] == 1


def test_import_accepts_windows_1252_files(app):
    raw = (ANCT_HEADER + "QN06001M;Quartier Hélène Boucher;32;HdF;60;Oise;60175;Creil;200067759;CA\n").encode("cp1252")
    assert services.import_qpv_csv(raw).ok
    assert db.session.query(QPV).one().name == "Quartier Hélène Boucher"


def test_conseil_slug_is_unique(app, make_qpv):
    first = services.create_conseil(services.ConseilData(name="Conseil citoyen du Centre", qpv_ids=[make_qpv().id]))
    second = services.create_conseil(services.ConseilData(name="Conseil citoyen du Centre"))
    assert first.slug == "conseil-citoyen-du-centre" and second.slug == "conseil-citoyen-du-centre-2"


def test_update_conseil_changes_qpv_links_and_cleans_description(app, make_conseil, make_qpv):
    conseil = make_conseil()
    new_qpv = make_qpv()
    services.update_conseil(conseil, services.ConseilData(
        name="Renommé", description="Bonjour <script>alert(1)</script> **toi**", qpv_ids=[new_qpv.id]))
    assert [q.id for q in conseil.qpvs] == [new_qpv.id]
    assert "<script>" not in conseil.description_html and "<strong>toi</strong>" in conseil.description_html


def test_a_person_has_one_current_seat_per_conseil(app, make_conseil, make_member):
    conseil = make_conseil()
    membership = make_member(conseil)
    with pytest.raises(services.AlreadyMember):
        make_member(conseil, membership.user)
    services.end_membership(membership)
    assert make_member(conseil, membership.user).is_current


def test_composition_warnings(app, make_conseil, make_member):
    conseil = make_conseil(drawn_by_lot=True)
    make_member(conseil, college=College.habitants, gender=Gender.woman, drawn_by_lot=True)
    make_member(conseil, college=College.habitants, gender=Gender.man, drawn_by_lot=True)
    assert services.composition_warnings(conseil, services.composition_of(conseil)) == []
    make_member(conseil, college=College.habitants, gender=Gender.woman, drawn_by_lot=True)
    for _ in range(4):
        make_member(conseil, college=College.acteurs_locaux, seat=Seat.suppleant)
    counts = services.composition_of(conseil)
    assert counts == services.composition(services.current_members(conseil))
    warnings = services.composition_warnings(conseil, counts)
    assert len(warnings) == 2
    assert "3" in warnings[0] and "7" in warnings[0]


def test_no_parity_warning_when_the_collège_is_not_drawn(app, make_conseil, make_member):
    conseil = make_conseil(drawn_by_lot=False)
    make_member(conseil, gender=Gender.woman, drawn_by_lot=True)
    assert services.composition_warnings(conseil, services.composition_of(conseil)) == []


def test_roles_of_reads_animation_and_membership(app, make_conseil, make_member, make_animator, make_user):
    conseil, other = make_conseil(), make_conseil()
    user = make_user()
    make_member(conseil, user)
    make_animator(other, user)
    roles = services.roles_of(user)
    assert roles.member_of == {conseil.id} and roles.animator_of == {other.id}


def test_the_roles_in_conseils_come_with_the_signed_in_user_in_one_statement(app, make_user, make_conseil,
                                                                             make_member, make_animator):
    from participation.accounts.services import load_session_user
    from participation.sqlcount import count_statements

    first, second, third = make_conseil("Conseil A"), make_conseil("Conseil B"), make_conseil("Conseil C")
    user = make_user()
    make_animator(first, user)
    make_member(first, user)
    make_member(second, user)
    services.end_membership(make_member(third, user))
    nobody = make_user()
    db.session.commit()
    session_ids = user.get_id(), nobody.get_id()
    animated, sat_in = frozenset({first.id}), frozenset({first.id, second.id})
    db.session.expunge_all()  # as in a new request

    with count_statements() as counter:
        loaded = load_session_user(session_ids[0])
        roles = services.roles_of(loaded)
        nothing = services.roles_of(load_session_user(session_ids[1]))
    assert counter.count == 2
    assert roles == services.ConseilRoles(animated, sat_in)
    assert nothing == services.ConseilRoles(frozenset(), frozenset())
