def test_dashboard_answers_for_a_member(alice, login):
    """R1: a member reaches the tenant's pages under /t/<slug>/."""
    response = login(alice.viewer).get(alice.url())
    assert response.status_code == 200
    assert b"Dashboard" in response.content
