from django.urls import reverse

URL = reverse("accounts:password_change")


def test_it_sends_anonymous_people_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_changes_the_password(client, member):
    client.force_login(member)
    assert client.get(URL).status_code == 200
    response = client.post(
        URL,
        {
            "old_password": "correct horse 42",
            "new_password1": "another good passphrase",
            "new_password2": "another good passphrase",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("another good passphrase")


def test_it_refuses_a_wrong_old_password(client, member):
    client.force_login(member)
    response = client.post(
        URL,
        {
            "old_password": "wrong",
            "new_password1": "another good passphrase",
            "new_password2": "another good passphrase",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    member.refresh_from_db()
    assert member.check_password("correct horse 42")
