from __future__ import annotations

import io
import re

import pytest
from flask import request, url_for
from markupsafe import escape
from sqlalchemy import func, select

from participation.audit import AuditEntry
from participation.contract.models import ContributionStatus
from participation.extensions import db
from participation.moderation.models import Report
from participation.proposals import services
from participation.proposals.models import Comment, Phase, Proposal, ProposalState, Support
from tests.proposals.conftest import jpeg_with_gps


def multipart(data: dict) -> dict:
    """A multipart body built in memory (the test client spools big ones to a file it never closes)."""
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import stream_encode_multipart

    fields = {
        key: FileStorage(stream=value[0], filename=value[1], content_type=value[2]) if isinstance(value, tuple)
        else value
        for key, value in data.items()
    }
    stream, length, boundary = stream_encode_multipart(fields, use_tempfile=False)
    return {"data": stream.getvalue(), "content_type": f"multipart/form-data; boundary={boundary}"}


def form_for(conseil, **fields):
    qpv = conseil.qpvs[0]
    data = {"title": "Des bancs au mail des Tilleuls", "body": "Pour **se reposer** entre le marché et le bus.",
            "where": f"{conseil.id}:{qpv.id}", "theme": "living_environment", "place": "Mail des Tilleuls",
            "photo_alt": "", "action": "preview"}
    data.update(fields)
    return data


# ---------------------------------------------------------------- list


def test_the_list_shows_cards_with_counts_status_and_quartier(client, roles, make_proposal, make_comment):
    proposal = make_proposal(roles.habitant, roles.conseil, title="Un jardin partagé")
    services.support(proposal, roles.member)
    make_comment(proposal, roles.member)
    page = client.get("/propositions")
    assert page.status_code == 200
    text = page.text
    assert "Un jardin partagé" in text and "1 soutien" in text and "1 commentaire" in text
    assert roles.conseil.qpvs[0].name in text and "Habitante" in text and "Reçue" in text
    assert f'id="proposition-{proposal.id}"' in text


def test_the_random_order_is_the_same_for_a_visitor_from_page_to_page(client, roles, make_proposal):
    for _ in range(30):
        make_proposal(roles.habitant, roles.conseil)

    def order(browser):
        return re.findall(r'id="proposition-(\d+)"', browser.get("/propositions").text)

    first = order(client)
    assert order(client) == first and len(first) == 20
    others = [order(type(client)(client.application)) for _ in range(3)]
    assert any(other != first for other in others)


def test_bad_filter_values_are_ignored_never_a_500(client, roles, make_proposal):
    make_proposal(roles.habitant, roles.conseil)
    for query in ("?sort=nope&status=xyz&theme=&conseil=nowhere&quartier=ZZ", "?page=-3", "?page=abc",
                  "?q=" + "%" * 300, "?status=to_examine&sort=supports"):
        assert client.get("/propositions" + query).status_code == 200


def test_filters_and_search_narrow_the_list(client, roles, make_proposal):
    make_proposal(roles.habitant, roles.conseil, title="Éclairer le passage")
    make_proposal(roles.habitant, roles.other_conseil, title="Un composteur")
    text = client.get("/propositions?q=eclairer").text
    assert "Éclairer le passage" in text and "Un composteur" not in text
    text = client.get(f"/propositions?conseil={roles.other_conseil.slug}&sort=recent").text
    assert "Un composteur" in text and "Éclairer le passage" not in text


# ---------------------------------------------------------------- new proposal


def test_visitors_are_sent_to_sign_in_and_unverified_people_are_refused(client, signed_in, roles):
    response = client.get("/propositions/nouvelle")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    assert signed_in(roles.unverified).get("/propositions/nouvelle").status_code == 403


def test_preview_lists_similar_proposals_then_publish_creates_it(signed_in, roles, make_proposal):
    make_proposal(roles.member, roles.conseil, title="Des bancs sur le mail")
    browser = signed_in(roles.habitant)
    page = browser.get("/propositions/nouvelle")
    assert page.status_code == 200 and "Voir l'aperçu" in page.text
    preview = browser.post("/propositions/nouvelle", data=form_for(roles.conseil))
    assert preview.status_code == 200
    assert "Aperçu de votre proposition" in preview.text and "Des bancs sur le mail" in preview.text
    assert "<strong>se reposer</strong>" in preview.text and 'value="1"' in preview.text
    assert db.session.scalar(select(func.count(Proposal.id))) == 1
    published = browser.post("/propositions/nouvelle", data=form_for(roles.conseil, action="publish", previewed="1"))
    assert published.status_code == 302
    proposal = db.session.scalar(select(Proposal).order_by(Proposal.id.desc()))
    assert published.headers["Location"].endswith(f"/propositions/{proposal.id}")
    assert proposal.title == "Des bancs au mail des Tilleuls" and proposal.author_id == roles.habitant.id
    assert proposal.place == "Mail des Tilleuls" and proposal.qpv_id == roles.conseil.qpvs[0].id


def test_publishing_without_a_preview_shows_the_preview_first(signed_in, roles):
    response = signed_in(roles.habitant).post("/propositions/nouvelle", data=form_for(roles.conseil, action="publish"))
    assert response.status_code == 200 and "Aperçu de votre proposition" in response.text
    assert db.session.scalar(select(func.count(Proposal.id))) == 0


@pytest.mark.parametrize("fields, message", [
    ({"title": ""}, "Ce champ est obligatoire."),
    ({"title": "   "}, "Ce champ est obligatoire."),
    ({"title": "x" * 141}, "Entre 5 et 140 caractères."),
    ({"body": "y" * 5001}, "5000 caractères au maximum."),
    ({"where": "999:999"}, "Choisissez un quartier dans la liste."),
    ({"theme": "astrology"}, "Choisissez un thème dans la liste."),
])
def test_bad_input_keeps_what_was_typed(signed_in, roles, fields, message):
    data = form_for(roles.conseil, body="Mon texte à garder")
    data.update(fields)
    response = signed_in(roles.habitant).post("/propositions/nouvelle", data=data)
    assert response.status_code == 422 and message in response.text
    assert ("Mon texte à garder" in response.text) or ("y" * 100 in response.text)
    assert db.session.scalar(select(func.count(Proposal.id))) == 0


def test_a_file_that_is_not_a_photo_is_refused_and_the_text_kept(signed_in, roles):
    data = form_for(roles.conseil, body="Texte gardé")
    data["photo"] = (io.BytesIO(b"MZ\x90\x00 not an image"), "photo.jpg", "image/jpeg")
    response = signed_in(roles.habitant).post("/propositions/nouvelle", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "pas une photo au format JPEG" in response.text and "Texte gardé" in response.text


def test_a_20_mb_upload_gets_a_clear_message_and_keeps_the_text(signed_in, roles):
    data = form_for(roles.conseil, body="Texte gardé malgré la photo")
    data["photo"] = (io.BytesIO(b"\xff\xd8\xff" + b"0" * (20 * 1024 * 1024)), "grosse.jpg", "image/jpeg")
    response = signed_in(roles.habitant).post("/propositions/nouvelle", **multipart(data))
    assert response.status_code == 422
    assert "La photo est trop lourde" in response.text and "Texte gardé malgré la photo" in response.text


def test_a_body_beyond_any_limit_gets_the_friendly_413_page(signed_in, roles, app):
    app.config["PROPOSAL_UPLOAD_BODY_MAX"] = 1024 * 1024
    data = form_for(roles.conseil)
    data["photo"] = (io.BytesIO(b"0" * (2 * 1024 * 1024)), "enorme.jpg", "image/jpeg")
    response = signed_in(roles.habitant).post("/propositions/nouvelle", **multipart(data))
    assert response.status_code == 413 and "Le fichier envoyé est trop gros" in response.text


def test_the_photo_survives_the_preview_and_is_published_without_gps(signed_in, roles, app):
    browser = signed_in(roles.habitant)
    data = form_for(roles.conseil, photo_alt="Le mail vu du bus")
    data["photo"] = (io.BytesIO(jpeg_with_gps()), "IMG_2044.jpg", "image/jpeg")
    preview = browser.post("/propositions/nouvelle", data=data, content_type="multipart/form-data")
    assert preview.status_code == 200
    token = re.search(r'name="photo_token" type="hidden" value="([^"]+)"', preview.text).group(1)
    draft = browser.get(f"/propositions/photos/apercu/{token}")
    assert draft.status_code == 200 and draft.mimetype == "image/jpeg"
    assert app.test_client().get(f"/propositions/photos/apercu/{token}").status_code == 404
    assert signed_in(roles.member).get(f"/propositions/photos/apercu/{token}").status_code == 404
    published = browser.post("/propositions/nouvelle", data=form_for(
        roles.conseil, action="publish", previewed="1", photo_token=token, photo_alt="Le mail vu du bus"))
    assert published.status_code == 302
    proposal = db.session.scalar(select(Proposal))
    photo = app.test_client().get(f"/propositions/photos/{proposal.image_name}")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert b"GPS" not in photo.data and b"PhoneMaker" not in photo.data
    assert 'alt="Le mail vu du bus"' in app.test_client().get(f"/propositions/{proposal.id}").text


def test_a_forged_photo_token_is_ignored(signed_in, roles):
    response = signed_in(roles.habitant).post("/propositions/nouvelle", data=form_for(
        roles.conseil, action="publish", previewed="1", photo_token="forged.token"))
    assert response.status_code == 302
    assert db.session.scalar(select(Proposal.image_name)) is None


def test_a_closed_conseil_is_not_offered(signed_in, roles, set_rules):
    set_rules(roles.conseil, phase=Phase.supporting)
    set_rules(roles.other_conseil, phase=Phase.closed)
    page = signed_in(roles.habitant).get("/propositions/nouvelle")
    assert page.status_code == 200 and "Aucun conseil citoyen ne recueille" in page.text


def test_pre_moderated_proposals_wait_and_are_hidden_from_others(signed_in, client, roles, set_rules):
    set_rules(roles.conseil, pre_moderation=True)
    browser = signed_in(roles.habitant)
    response = browser.post("/propositions/nouvelle", data=form_for(roles.conseil, action="publish", previewed="1"))
    assert response.status_code == 302
    proposal = db.session.scalar(select(Proposal))
    assert proposal.state == ProposalState.pending
    assert "attend la validation" in browser.get(f"/propositions/{proposal.id}").text
    assert client.get(f"/propositions/{proposal.id}").status_code == 404
    assert signed_in(roles.member).get(f"/propositions/{proposal.id}").status_code == 404
    assert signed_in(roles.animator).get(f"/propositions/{proposal.id}").status_code == 200
    assert "Des bancs au mail" not in client.get("/propositions").text


# ---------------------------------------------------------------- one proposal


def test_unknown_proposals_are_404(client):
    assert client.get("/propositions/999999").status_code == 404
    assert client.post("/propositions/999999/soutenir").status_code == 404
    assert client.get("/propositions/photos/not-a-name.png").status_code == 404
    assert client.get("/propositions/photos/" + "a" * 24 + ".jpg").status_code == 404


def test_the_proposal_page_shows_status_answer_and_timeline(client, roles, make_proposal):
    proposal = make_proposal(roles.habitant, roles.conseil, title="Des bancs")
    services.set_status(proposal, ContributionStatus.retained, roles.project_lead)
    services.answer_proposal(proposal, "La Ville installera **cinq bancs**.", roles.project_lead)
    text = client.get(f"/propositions/{proposal.id}").text
    assert "Retenue" in text and "<strong>cinq bancs</strong>" in text and "Réponse officielle" in text
    assert "Déposée" in text and f"/suivi/{proposal.contribution.id}" in text


def test_the_author_edits_until_the_first_support(signed_in, roles, make_proposal):
    proposal = make_proposal(roles.habitant, roles.conseil)
    browser = signed_in(roles.habitant)
    assert browser.get(f"/propositions/{proposal.id}/modifier").status_code == 200
    response = browser.post(f"/propositions/{proposal.id}/modifier", data=form_for(
        roles.conseil, title="Titre modifié", where=f"{roles.conseil.id}:{roles.conseil.qpvs[0].id}"))
    assert response.status_code == 302 and proposal.title == "Titre modifié"
    assert signed_in(roles.member).get(f"/propositions/{proposal.id}/modifier").status_code == 403
    services.support(proposal, roles.member)
    assert browser.get(f"/propositions/{proposal.id}/modifier").status_code == 403


def test_the_author_withdraws(signed_in, roles, make_proposal):
    proposal = make_proposal(roles.habitant, roles.conseil)
    assert signed_in(roles.member).post(f"/propositions/{proposal.id}/retirer").status_code == 403
    assert signed_in(roles.habitant).post(f"/propositions/{proposal.id}/retirer").status_code == 302
    assert proposal.state == ProposalState.withdrawn


# ---------------------------------------------------------------- supports


def test_support_without_javascript_redirects_back_to_the_same_place_in_the_list(signed_in, roles, make_proposal):
    proposal = make_proposal(roles.habitant, roles.conseil)
    back = f"/propositions?page=2&sort=recent#proposition-{proposal.id}"
    response = signed_in(roles.member).post(f"/propositions/{proposal.id}/soutenir", data={"next": back})
    assert response.status_code == 302 and response.headers["Location"] == back
    assert proposal.support_count == 1
    response = signed_in(roles.member).post(f"/propositions/{proposal.id}/soutenir/retirer",
                                            data={"next": "https://evil.example/"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/propositions/{proposal.id}#soutien")
    assert proposal.support_count == 0


def test_support_with_javascript_answers_json(signed_in, roles, make_proposal):
    proposal = make_proposal(roles.habitant, roles.conseil)
    browser = signed_in(roles.member)
    headers = {"Accept": "application/json"}
    data = browser.post(f"/propositions/{proposal.id}/soutenir", headers=headers).get_json()
    assert data["supported"] and data["count"] == 1 and data["count_label"] == "1 soutien"
    assert data["action"].endswith("/soutenir/retirer") and data["button"] == "Retirer mon soutien"
    again = browser.post(f"/propositions/{proposal.id}/soutenir", headers=headers)
    assert again.status_code == 409 and again.get_json()["message"] == "Vous soutenez déjà cette proposition."
    data = browser.post(f"/propositions/{proposal.id}/soutenir/retirer", headers=headers).get_json()
    assert not data["supported"] and data["count"] == 0


def test_a_support_on_a_closed_phase_gets_a_clear_message(signed_in, roles, make_proposal, set_rules):
    proposal = make_proposal(roles.habitant, roles.conseil)
    set_rules(roles.conseil, phase=Phase.closed)
    browser = signed_in(roles.member)
    response = browser.post(f"/propositions/{proposal.id}/soutenir", headers={"Accept": "application/json"})
    assert response.status_code == 409 and "fermés" in response.get_json()["message"]
    response = browser.post(f"/propositions/{proposal.id}/soutenir", follow_redirects=True)
    assert response.status_code == 200 and "Les soutiens sont fermés" in response.text
    assert db.session.scalar(select(func.count(Support.id))) == 0


def test_visitors_supporting_are_sent_to_sign_in(client, roles, make_proposal):
    proposal = make_proposal(roles.habitant, roles.conseil)
    response = client.post(f"/propositions/{proposal.id}/soutenir")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    assert "Se connecter pour la soutenir" in client.get(f"/propositions/{proposal.id}").text


def test_animators_record_a_support_gathered_on_the_ground(signed_in, roles, make_proposal):
    proposal = make_proposal(roles.habitant, roles.conseil)
    data = {"assisted-resident_name": "Mme D.", "assisted-consent": "y"}
    assert signed_in(roles.other_animator).post(f"/propositions/{proposal.id}/soutien-assiste",
                                                data=data).status_code == 403
    refused = signed_in(roles.animator).post(f"/propositions/{proposal.id}/soutien-assiste",
                                             data={"assisted-resident_name": "Mme D."})
    assert refused.status_code == 422 and 'value="Mme D."' in refused.text
    assert signed_in(roles.animator).post(f"/propositions/{proposal.id}/soutien-assiste",
                                          data=data).status_code == 302
    assert proposal.support_count == 1
    assert "dont 1 soutien recueilli sur le terrain" in signed_in(roles.member).get(
        f"/propositions/{proposal.id}").text


# ---------------------------------------------------------------- comments


def test_comment_and_reply(signed_in, roles, make_proposal, outbox):
    proposal = make_proposal(roles.habitant, roles.conseil)
    browser = signed_in(roles.member)
    response = browser.post(f"/propositions/{proposal.id}/commentaires", data={"body": "Je suis **pour**"})
    comment = db.session.scalar(select(Comment))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#commentaire-{comment.id}")
    reply = signed_in(roles.habitant).post(f"/propositions/{proposal.id}/commentaires",
                                           data={"body": "Merci !", "parent_id": str(comment.id)})
    assert reply.status_code == 302 and proposal.comment_count == 2
    page = browser.get(f"/propositions/{proposal.id}").text
    assert "<strong>pour</strong>" in page and "Merci !" in page


def test_the_blank_comment_field_is_written_once_per_language(app, signed_in, roles, make_proposal, make_user):
    from participation.i18n import PER_LANGUAGE_KEY

    proposal = make_proposal(roles.habitant, roles.conseil)
    french = signed_in(roles.member).get(f"/propositions/{proposal.id}").text
    english = signed_in(make_user(locale="en")).get(f"/propositions/{proposal.id}").text
    assert '<label for="body">Votre commentaire</label>' in french and "Vous pouvez écrire en *italique*" in french
    assert '<label for="body">Your comment</label>' in english and "Votre commentaire" not in english
    assert {key for key in app.extensions[PER_LANGUAGE_KEY] if key[0] == "proposal_blank_comment_field"} == {
        ("proposal_blank_comment_field", "fr"), ("proposal_blank_comment_field", "en")}


def test_an_empty_or_too_long_comment_is_refused_and_kept(signed_in, roles, make_proposal, make_comment):
    proposal = make_proposal(roles.habitant, roles.conseil)
    browser = signed_in(roles.member)
    response = browser.post(f"/propositions/{proposal.id}/commentaires", data={"body": "   "})
    assert response.status_code == 422 and "Ce champ est obligatoire." in response.text
    long_text = "mot " * 800
    response = browser.post(f"/propositions/{proposal.id}/commentaires", data={"body": long_text})
    assert response.status_code == 422 and long_text.strip()[:200] in response.text
    top = make_comment(proposal, roles.animator)
    response = browser.post(f"/propositions/{proposal.id}/commentaires",
                            data={"body": "z" * 3001, "parent_id": str(top.id)})
    assert response.status_code == 422 and "z" * 3001 in response.text
    form = response.text[response.text.index(f'id="repondre-{top.id}"'):]
    # The error beside the field, in the thread's form.
    assert form.index("3000 caractères au maximum") < form.index("z" * 3001) < form.index("</form>")
    response = browser.post(f"/propositions/{proposal.id}/commentaires", data={"body": "ok", "parent_id": "999"})
    assert response.status_code == 422
    assert proposal.comment_count == 1


def test_a_thread_s_reply_link_opens_its_form_without_javascript(client, signed_in, roles, make_proposal,
                                                                 make_comment):
    proposal = make_proposal(roles.habitant, roles.conseil)
    threads = [make_comment(proposal, roles.animator, f"Fil {n}") for n in range(51)]  # 50 threads a page
    hidden = threads[1]
    services.hide_comment(hidden)
    browser = signed_in(roles.member)
    page = browser.get(f"/propositions/{proposal.id}").text
    link = f"/propositions/{proposal.id}?repondre={threads[0].id}#repondre-{threads[0].id}"
    assert link in page and f"repondre={hidden.id}#" not in page  # no reply to a hidden comment
    assert f"page=2&amp;repondre={threads[50].id}" in browser.get(f"/propositions/{proposal.id}?page=2").text

    opened = browser.get(link.split("#")[0]).text
    assert opened.count('name="parent_id" value="') == 2  # the thread's form, and the one kept for proposals.js
    form = opened[opened.index(f'id="repondre-{threads[0].id}"'):]
    assert f'name="parent_id" value="{threads[0].id}"' in form[:form.index("</form>")]
    assert f"repondre={threads[0].id}#" not in opened and f"repondre={threads[2].id}#" in opened
    response = browser.post(f"/propositions/{proposal.id}/commentaires",
                            data={"body": "Je suis d'accord", "parent_id": str(threads[0].id)})
    assert response.status_code == 302
    assert db.session.scalars(select(Comment.body).where(Comment.parent_id == threads[0].id)).all() == [
        "Je suis d'accord"]

    # Nothing opens for a hidden or unknown comment, a value that is no id, or someone who may not reply.
    for query in (f"?repondre={hidden.id}", "?repondre=99999999", "?repondre=abc", "?repondre="):
        response = browser.get(f"/propositions/{proposal.id}{query}")
        assert response.status_code == 200 and response.text.count('name="parent_id" value="') == 1, query
    for reader in (client, signed_in(roles.unverified)):
        response = reader.get(link.split("#")[0])
        assert response.status_code == 200 and 'name="parent_id"' not in response.text


def test_unverified_people_and_visitors_cannot_comment(client, signed_in, roles, make_proposal):
    proposal = make_proposal(roles.habitant, roles.conseil)
    assert signed_in(roles.unverified).post(f"/propositions/{proposal.id}/commentaires",
                                            data={"body": "x"}).status_code == 403
    assert client.post(f"/propositions/{proposal.id}/commentaires", data={"body": "x"}).status_code == 302


# ---------------------------------------------------------------- reports


def test_report_a_proposal_and_a_comment(signed_in, roles, make_proposal, make_comment):
    proposal = make_proposal(roles.habitant, roles.conseil)
    comment = make_comment(proposal, roles.member)
    browser = signed_in(roles.unverified)
    assert browser.get(f"/propositions/{proposal.id}/signaler").status_code == 200
    assert browser.post(f"/propositions/{proposal.id}/signaler", data={}).status_code == 422
    response = browser.post(f"/propositions/{proposal.id}/signaler", data={"reason": "spam", "details": "Pub"})
    assert response.status_code == 302
    again = browser.post(f"/propositions/{proposal.id}/signaler", data={"reason": "spam"}, follow_redirects=True)
    assert "déjà signalé" in again.text
    assert browser.post(f"/propositions/commentaires/{comment.id}/signaler",
                        data={"reason": "insult"}).status_code == 302
    assert signed_in(roles.habitant).get(f"/propositions/{proposal.id}/signaler").status_code == 403
    assert browser.get("/propositions/commentaires/99999/signaler").status_code == 404
    assert db.session.scalar(select(func.count(Report.id))) == 2


# ---------------------------------------------------------------- status and answer


def test_the_team_sets_the_status_and_answers_and_it_is_audited(signed_in, roles, make_proposal):
    proposal = make_proposal(roles.habitant, roles.conseil)
    url = f"/propositions/{proposal.id}"
    assert signed_in(roles.other_animator).post(url + "/statut", data={"status": "retained"}).status_code == 403
    assert signed_in(roles.member).post(url + "/reponse", data={"answer": "x"}).status_code == 403
    lead = signed_in(roles.project_lead)
    refused = lead.post(url + "/statut", data={"status": "not_retained", "reason": ""})
    assert refused.status_code == 422 and "Give the reason" not in refused.text and "motif" in refused.text.lower()
    refused = lead.post(url + "/statut", data={"status": "merged", "merged_into": "999"})
    assert refused.status_code == 422 and "autre proposition publiée" in refused.text
    assert lead.post(url + "/statut", data={"status": "bogus"}).status_code == 422
    assert lead.post(url + "/statut", data={"status": "not_retained", "reason": "Déjà prévu"}).status_code == 302
    assert proposal.contribution.status == ContributionStatus.not_retained
    assert lead.post(url + "/reponse", data={"answer": ""}).status_code == 422
    assert signed_in(roles.animator).post(url + "/reponse", data={"answer": "Merci !"}).status_code == 302
    entries = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert entries == ["proposal.status_changed", "proposal.answered"]
    assert "Pour l'équipe" in lead.get(url).text and "Pour l'équipe" not in signed_in(roles.member).get(url).text


# ---------------------------------------------------------------- assisted entry and settings


def test_assisted_entry_by_an_animator(signed_in, roles):
    assert signed_in(roles.habitant).get("/animation/propositions/saisie-assistee").status_code == 403
    browser = signed_in(roles.animator)
    page = browser.get("/animation/propositions/saisie-assistee")
    assert page.status_code == 200 and roles.other_conseil.name not in page.text
    data = form_for(roles.conseil, action="publish", previewed="1", resident_name="Mme K.")
    refused = browser.post("/animation/propositions/saisie-assistee", data=data)
    assert refused.status_code == 422 and 'value="Mme K."' in refused.text
    elsewhere = form_for(roles.other_conseil, action="publish", previewed="1", resident_name="Mme K.", consent="y")
    assert browser.post("/animation/propositions/saisie-assistee", data=elsewhere).status_code == 422
    data["consent"] = "y"
    assert browser.post("/animation/propositions/saisie-assistee", data=data).status_code == 302
    proposal = db.session.scalar(select(Proposal))
    assert proposal.on_behalf_name == "Mme K." and proposal.entered_by_id == roles.animator.id
    assert "Proposée par Mme K., saisie avec son accord" in browser.get(f"/propositions/{proposal.id}").text


def test_settings_are_changed_by_the_conseils_team_only(signed_in, roles):
    url = f"/animation/propositions/{roles.conseil.slug}/reglages"
    assert signed_in(roles.other_animator).get(url).status_code == 403
    assert signed_in(roles.member).get("/animation/propositions").status_code == 403
    browser = signed_in(roles.animator)
    assert roles.conseil.name in browser.get("/animation/propositions").text
    bad = browser.post(url, data={"phase": "supporting", "support_threshold": "0", "edit_window_hours": "0",
                                  "auto_hide_threshold": "3"})
    assert bad.status_code == 422 and "Entre 1 et 100 000." in bad.text
    good = browser.post(url, data={"phase": "supporting", "support_threshold": "12", "edit_window_hours": "0",
                                   "max_supports_per_person": "3", "auto_hide_threshold": "2",
                                   "pre_moderation": "y"})
    assert good.status_code == 302
    settings = services.settings_for(roles.conseil.id)
    assert (settings.phase, settings.support_threshold, settings.max_supports_per_person,
            settings.edit_window_hours) == (Phase.supporting, 12, 3, 0)
    assert signed_in(roles.project_lead).get(url).status_code == 200
    assert signed_in(roles.animator).get("/animation/propositions/nowhere/reglages").status_code == 404


# ---------------------------------------------------------------- photos of hidden proposals


def test_photos_of_hidden_proposals_are_not_served_to_others(client, signed_in, roles, make_proposal):
    name = services.store_image(jpeg_with_gps())
    proposal = make_proposal(roles.habitant, roles.conseil, image_name=name)
    assert client.get(f"/propositions/photos/{name}").status_code == 200
    services.hide_proposal(proposal)
    assert client.get(f"/propositions/photos/{name}").status_code == 404
    author = signed_in(roles.habitant).get(f"/propositions/photos/{name}")
    assert author.status_code == 200 and "no-store" in author.headers["Cache-Control"]


def test_my_data_holds_my_proposals_supports_and_comments(signed_in, roles, make_proposal, make_comment):
    proposal = make_proposal(roles.habitant, roles.conseil, title="Ma proposition")
    other = make_proposal(roles.member, roles.conseil, title="Celle d'un voisin")
    services.support(other, roles.habitant)
    make_comment(other, roles.habitant, "Mon commentaire")
    data = signed_in(roles.habitant).get("/compte/mes-donnees.json").get_json()
    assert [p["title"] for p in data["proposals"]["proposals"]] == [proposal.title]
    assert data["proposals"]["supports"][0]["proposal"] == other.id
    assert data["proposals"]["comments"][0]["text"] == "Mon commentaire"
    assert data["moderation"] == {"reports": [], "appeals": []}


def test_the_list_filters_by_objective_of_the_contrat_de_ville(client, roles, make_proposal):
    from participation.contract import structure
    from participation.contract.services import link_to_node

    contract = structure.save_contract(structure.ContractData(title="Contrat de ville", starts_year=2024,
                                                              ends_year=2030))
    enjeu = structure.add_node(contract, structure.NodeData(title="Cadre de vie"))
    orientation = structure.add_node(contract, structure.NodeData(title="Espaces publics"), parent=enjeu)
    objective = structure.add_node(contract, structure.NodeData(title="Éclairer les passages"), parent=orientation)
    other = structure.add_node(contract, structure.NodeData(title="Emploi"))
    linked = make_proposal(roles.habitant, roles.conseil, title="Éclairer le passage Camus")
    make_proposal(roles.habitant, roles.conseil, title="Un composteur")
    link_to_node(linked.contribution, objective, actor=roles.animator)
    page = client.get("/propositions").text
    assert "Objectif du contrat de ville" in page and "Éclairer les passages" in page
    for node in (enjeu, objective):
        text = client.get(f"/propositions?objectif={node.id}").text
        assert "Éclairer le passage Camus" in text and "Un composteur" not in text
    assert "Éclairer le passage Camus" not in client.get(f"/propositions?objectif={other.id}").text
    assert "Un composteur" in client.get("/propositions?objectif=99999").text


def test_the_cards_links_are_those_the_router_builds_whatever_the_query_string(app, client, roles, make_proposal):
    proposals = [make_proposal(roles.habitant, roles.conseil) for _ in range(3)]
    path = "/propositions?sort=recent&x=987654321{0}%7D"
    html = client.get(path).text
    with app.test_request_context(path):
        full_path = request.full_path
        for proposal in proposals:
            sign_in = url_for("accounts.sign_in", next=f"{full_path}#proposition-{proposal.id}")
            assert f'href="{escape(sign_in)}"' in html
            assert f'href="{url_for("proposals.show_proposal", proposal_id=proposal.id)}"' in html
