"""jobs USERNAME (issue 16): without a Flux instance it says so and exits 1;
its options are checked before any instance is asked (usage errors exit
2).  What it prints in a running instance: tests/flux/t2003-jobs.sh."""
import pwd

import pytest

from conftest import USAGE

NO_INSTANCE = "local:///nonexistent/fluxacct-test"


@pytest.fixture
def no_flux(monkeypatch):
    monkeypatch.setenv("FLUX_URI", NO_INSTANCE)


def some_user():
    return pwd.getpwuid(0).pw_name


def test_no_instance(no_flux, fails):
    fails("jobs", some_user(), match="no Flux instance is reachable: ")


def test_no_instance_with_every_option(no_flux, fails):
    fails("jobs", some_user(), "--bank", "A", "--queue", "batch",
          "-o", "{jobid} {priority}", "-f", "pending,running", "-c", "5",
          "--since", "0", "-j", "1", "f2", "-v",
          match="no Flux instance is reachable")
    fails("jobs", some_user(), "--filter", "COMPLETED,timeout", "--count",
          "0", "--jobids", "0x10", "--json",
          match="no Flux instance is reachable")
    fails("jobs", some_user(), "--parsable", "--verbose",
          match="no Flux instance is reachable")


@pytest.mark.parametrize("args,match", [
    ([], "USERNAME"),
    (["a", "b"], "USERNAME"),
    (["{u}", "-o", "{nosuch}"], "unknown field 'nosuch'"),
    (["{u}", "-o", "{jobid"], "unterminated '{'"),
    (["{u}", "-f", "bogus"], "invalid state or result 'bogus'"),
    (["{u}", "-f", ","], "no state or result given"),
    (["{u}", "-c", "-1"], "--count"),
    (["{u}", "-c", "many"], "count"),
    (["{u}", "--since", "2999-01-01"], "--since appears to be in the future"),
    (["{u}", "--since", "yesterday-ish"], "--since"),
    (["{u}", "-j", "not-a-job"], "invalid job id 'not-a-job'"),
    (["{u}", "--json", "--parsable"], "mutually exclusive"),
    (["{u}", "--nosuch"], "option --nosuch"),
])
def test_usage_errors(no_flux, fails, args, match):
    args = [some_user() if a == "{u}" else a for a in args]
    fails("jobs", *args, rc=USAGE, match=match)


def test_unknown_user(no_flux, fails):
    fails("jobs", "no-such-user-fluxacct", match="unknown user "
          "'no-such-user-fluxacct'")
