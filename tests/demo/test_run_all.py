"""`make run`'s processes: links in emails point to the address it serves."""

from demo.management.commands.run_all import child_environment


def test_links_point_to_the_port_make_run_serves():
    env = child_environment({"PATH": "/usr/bin"}, host="127.0.0.1", port=8100)
    assert env["SITE_URL"] == "http://127.0.0.1:8100"
    assert env["PATH"] == "/usr/bin"


def test_a_wildcard_address_links_to_the_loopback_one():
    assert child_environment({}, host="0.0.0.0", port=8000)["SITE_URL"] == "http://127.0.0.1:8000"


def test_a_configured_site_url_wins():
    env = child_environment({"SITE_URL": "https://desk.example.com"}, host="127.0.0.1", port=8100)
    assert env["SITE_URL"] == "https://desk.example.com"
